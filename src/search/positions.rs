//! A term's documents and positions in one segment ([`Cursor`]), and the
//! terms of a phrase lined up on the documents that hold them all
//! ([`Aligned`]): what the phrase matchers ([`super::phrase`],
//! [`super::span`]) read.
//!
//! ## Why not tantivy's postings alone
//!
//! A phrase found in most decisions ("within three months of the final
//! decision" is in 60% of the generated ones) reads the positions of every
//! term in every document it visits, a few each. Through tantivy's
//! `SegmentPostings` a document's positions cost far more than their own
//! decoding: it finds where they start by summing the term frequencies of
//! the documents before it in its block of 128 (64 additions on average),
//! zeroes a buffer, and its `PositionReader` copies them out of the block
//! it decoded. A [`Cursor`] that *walks* a posting list instead:
//! - decodes every block of documents it visits, and sums each block's
//!   frequencies once, so a document's first position is one look-up;
//!   blocks it jumps over are counted off the term's skip list ([`Skips`],
//!   tantivy's layout, which tantivy keeps to itself), so a range of a
//!   segment searched on its own (`split`) starts without decoding the
//!   blocks before it;
//! - decodes the positions itself ([`PositionBlocks`], tantivy's layout
//!   read with the same `bitpacking` codec), adding up a document's gaps
//!   straight out of the decoded block.
//!
//! At 100,000 generated decisions that took the CPU time of "within three
//! months of the final decision" down by a third (user CPU of 400 searches
//! 5.9–6.6 → 3.7–3.9 s; callgrind: 2.95 → 2.28 billion instructions for
//! 22 searches), its full answer 9.4 → 5.9 ms at the median in a slow hour.
//!
//! Walking sums the frequencies of every block it lands in, all 128 of
//! them, so it pays when the rarest term's documents are enough to land in
//! most blocks of the others anyway. Otherwise a cursor is tantivy's
//! `SegmentPostings` (see [`WALK_RATIO`]). Both give the same documents and
//! positions (tested against each other).

use crate::vint::read_vint;
use bitpacking::{BitPacker, BitPacker4x};
use tantivy::directory::{CompositeFile, OwnedBytes};
use tantivy::index::SegmentComponent;
use tantivy::postings::{BlockSegmentPostings, Postings, SegmentPostings};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, SegmentReader, TERMINATED, Term};

/// Documents in a block of a posting list (tantivy's, fixed by its format).
const COMPRESSION_BLOCK_SIZE: usize = 128;

/// The bytes before the first term's postings in a field's postings file:
/// its number of tokens (tantivy's `InvertedIndexReader`).
const TOKEN_COUNT_BYTES: usize = 8;

/// A phrase's terms are walked (not skipped through) in a segment when its
/// rarest term's documents, times this, reach every other term's: then the
/// rarest term's documents land in most blocks (of 128) of the others, and
/// a skipping cursor would decode those blocks too. Measured at 100,000
/// decisions against 16 (4 interleaved rounds): phrases in 484–9,612
/// decisions, which walk at 128 and skip at 16, answered 15–20% faster
/// walking; a one-shot search, whose first touch of each page of the lists
/// costs a fault, about 0.1–0.3 ms slower (3.72 → 4.09 ms, 200 runs).
/// Since walks jump over blocks by the skip list, walking every phrase
/// measured the same as this within the machine's noise (4 interleaved
/// rounds), so the ratio stays.
pub const WALK_RATIO: u32 = 128;

/// A term's documents in one segment, in order, with each one's positions.
pub enum Cursor {
    /// Block by block, every block decoded (see the module header).
    Walk(Box<Walk>),
    /// tantivy's postings, jumping over blocks by the skip list.
    Skip(Box<SegmentPostings>),
}

impl Cursor {
    #[inline]
    pub fn doc(&self) -> DocId {
        match self {
            Cursor::Walk(w) => w.doc,
            Cursor::Skip(p) => p.doc(),
        }
    }

    /// The first document from `target` on (`TERMINATED` past the last);
    /// the current one if it is already there.
    #[inline(always)]
    pub fn seek(&mut self, target: DocId) -> DocId {
        match self {
            Cursor::Walk(w) => w.seek(target),
            Cursor::Skip(p) if p.doc() >= target => p.doc(),
            Cursor::Skip(p) => p.seek(target),
        }
    }

    pub fn doc_freq(&self) -> u32 {
        match self {
            Cursor::Walk(w) => w.block.doc_freq(),
            Cursor::Skip(p) => p.doc_freq(),
        }
    }

    /// The term's count in the current document.
    #[inline]
    pub fn term_freq(&self) -> u32 {
        match self {
            Cursor::Walk(w) => w.block.freq(w.cur),
            Cursor::Skip(p) => p.term_freq(),
        }
    }

    /// Replaces `out` with the term's positions in the current document,
    /// each plus `shift`, ascending.
    pub fn positions(&mut self, shift: u32, out: &mut Vec<u32>) {
        match self {
            Cursor::Walk(w) => w.positions(shift, out),
            Cursor::Skip(p) => {
                out.clear();
                p.append_positions_with_offset(shift, out);
            }
        }
    }

    /// Keeps the values of `left` (ascending) that are among the term's
    /// positions in the current document, each plus `shift`. A walk
    /// compares the positions as it decodes them and stops once `left` is
    /// passed; tantivy's postings give theirs to `scratch` first.
    pub fn keep_common(&mut self, shift: u32, left: &mut Vec<u32>, scratch: &mut Vec<u32>) {
        match self {
            Cursor::Walk(w) => {
                let (first, count) = w.located();
                w.positions.keep_common(first, count, shift, left);
            }
            Cursor::Skip(_) => {
                self.positions(shift, scratch);
                keep_common(left, scratch);
            }
        }
    }
}

/// Keeps the values of `left` that are also in `right` (both ascending).
pub fn keep_common(left: &mut Vec<u32>, right: &[u32]) {
    let (mut i, mut j, mut kept) = (0, 0, 0);
    while i < left.len() && j < right.len() {
        let (l, r) = (left[i], right[j]);
        if l <= r {
            if l == r {
                left[kept] = l;
                kept += 1;
                j += 1;
            }
            i += 1;
        } else {
            j += 1;
        }
    }
    left.truncate(kept);
}

/// Keeping the values of `wanted` (ascending) that are among one
/// document's positions, given as their gaps (its first position from 0)
/// plus `shift`, a run of gaps at a time: the kept values move to the front
/// of `wanted`. The usual case, one value wanted, is a scan for it.
struct Keep<'a> {
    wanted: &'a mut [u32],
    /// The last position summed.
    position: u32,
    /// The first wanted value not yet passed.
    next: usize,
    kept: usize,
}

impl<'a> Keep<'a> {
    fn new(wanted: &'a mut [u32], shift: u32) -> Keep<'a> {
        Keep {
            wanted,
            position: shift,
            next: 0,
            kept: 0,
        }
    }

    /// Sums the next run of gaps; `false` once no wanted value is left to
    /// find (the rest need not be read).
    #[inline(always)]
    fn take(&mut self, gaps: &[u32]) -> bool {
        if let [one] = *self.wanted {
            for &gap in gaps {
                self.position = self.position.wrapping_add(gap);
                if self.position >= one {
                    self.kept = usize::from(self.position == one);
                    return false;
                }
            }
            return true;
        }
        for &gap in gaps {
            self.position = self.position.wrapping_add(gap);
            while self
                .wanted
                .get(self.next)
                .is_some_and(|&w| w < self.position)
            {
                self.next += 1;
            }
            let Some(&w) = self.wanted.get(self.next) else {
                return false;
            };
            if w == self.position {
                self.wanted[self.kept] = w;
                self.kept += 1;
                self.next += 1;
            }
        }
        true
    }
}

/// A posting list walked block by block, keeping where each document's
/// positions start.
pub struct Walk {
    block: BlockSegmentPostings,
    positions: PositionBlocks,
    /// The term's skip list, for jumps over blocks without decoding them.
    skips: Skips,
    /// The current block's index in the list.
    block_index: usize,
    doc: DocId,
    /// The current document's index in the block.
    cur: usize,
    /// The term's positions in the blocks before the current one.
    before: u64,
    /// `starts[i]`: the term's positions in the current block before its
    /// document `i` (the last entry: in the whole block).
    starts: [u64; COMPRESSION_BLOCK_SIZE + 1],
}

impl Walk {
    fn new(block: BlockSegmentPostings, positions: PositionBlocks, skips: Skips) -> Walk {
        let mut walk = Walk {
            block,
            positions,
            skips,
            block_index: 0,
            doc: 0,
            cur: 0,
            before: 0,
            starts: [0; COMPRESSION_BLOCK_SIZE + 1],
        };
        walk.count_starts();
        walk.doc = walk.settle(0);
        walk
    }

    /// Fills `starts` for the block just loaded.
    fn count_starts(&mut self) {
        let mut sum = 0;
        for (start, &freq) in self.starts[1..].iter_mut().zip(self.block.freqs()) {
            sum += u64::from(freq);
            *start = sum;
        }
    }

    #[inline]
    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        // Most seeks stay in the block and move a document or two: a scan
        // beats a binary search here (measured), and the rest is kept out
        // of line.
        let docs = self.block.docs();
        if docs.last().is_some_and(|&last| last >= target) {
            let mut cur = self.cur;
            while docs[cur] < target {
                cur += 1;
            }
            self.cur = cur;
            self.doc = docs[cur];
        } else {
            self.doc = self.settle(target);
        }
        self.doc
    }

    /// From the current block and index on, the first document at or past
    /// `target`, crossing into later blocks as needed. Later blocks that
    /// end before `target` are jumped over by the skip list without being
    /// decoded, as tantivy's postings jump: a range of a segment searched
    /// on its own (`split`) starts with such a jump.
    #[cold]
    fn settle(&mut self, target: DocId) -> DocId {
        loop {
            let docs = self.block.docs();
            let Some(&last) = docs.last() else {
                return TERMINATED;
            };
            if last >= target {
                while docs[self.cur] < target {
                    self.cur += 1;
                }
                return docs[self.cur];
            }
            self.before += self.starts[docs.len()];
            // The next block is the first that may hold `target`, unless
            // the skip list says a later one is.
            let mut next = self.block_index + 1;
            while let Some((last_doc, positions)) = self.skips.entry(next) {
                if last_doc >= target {
                    break;
                }
                self.before += u64::from(positions);
                next += 1;
            }
            if next == self.block_index + 1 {
                self.block.advance();
            } else {
                // tantivy's own skip list lands on the same block: the
                // first whose last document reaches `target`.
                self.block.seek(target);
            }
            self.block_index = next;
            self.cur = 0;
            self.count_starts();
        }
    }

    fn positions(&mut self, shift: u32, out: &mut Vec<u32>) {
        let (first, count) = self.located();
        self.positions.read(first, count, shift, out);
    }

    /// Where the current document's positions lie in the term's: the
    /// index of the first, and how many.
    fn located(&self) -> (u64, u32) {
        (
            self.before + self.starts[self.cur],
            self.block.freq(self.cur),
        )
    }
}

/// A term's skip list in a segment (tantivy's layout for a field with
/// positions): for each full block of 128 documents, 12 bytes: its last
/// document (u32, little-endian), the bit widths of its documents and
/// frequencies, its number of positions (u32), and its block-max norm and
/// frequency. A list of fewer than 128 documents has none.
pub struct Skips {
    data: OwnedBytes,
}

impl Skips {
    const ENTRY_BYTES: usize = 12;

    /// The skip list at the start of a term's postings bytes, or none
    /// (then a walk steps block by block) when the term has no full block
    /// or the bytes are not as expected.
    pub fn open(mut postings: OwnedBytes, doc_freq: u32) -> Skips {
        let full_blocks = doc_freq as usize / COMPRESSION_BLOCK_SIZE;
        let none = Skips {
            data: OwnedBytes::empty(),
        };
        if full_blocks == 0 {
            return none;
        }
        match read_vint(&mut postings) {
            Some(len) if len == full_blocks * Self::ENTRY_BYTES && len <= postings.len() => Skips {
                data: postings.split(len).0,
            },
            _ => none,
        }
    }

    /// Block `index`'s last document and number of positions; `None` for
    /// the last block when it is not full, and past the end.
    #[inline]
    fn entry(&self, index: usize) -> Option<(DocId, u32)> {
        let at = index.checked_mul(Self::ENTRY_BYTES)?;
        let entry = self
            .data
            .as_slice()
            .get(at..at.checked_add(Self::ENTRY_BYTES)?)?;
        let u32_at =
            |i: usize| u32::from_le_bytes([entry[i], entry[i + 1], entry[i + 2], entry[i + 3]]);
        Some((u32_at(0), u32_at(6)))
    }
}

/// A term's positions in a segment, read in order: tantivy's layout (its
/// `PositionReader`), decoded here so that a document's few positions cost
/// no more than their own decoding.
///
/// The layout: the number of bit-packed blocks (a VInt), the bit width of
/// each, the blocks (128 values each, `bitpacking`'s `BitPacker4x`), then
/// the remaining values as VInts. The values are the gaps between a
/// document's positions, its first from 0. Damaged data reads as zeros, so
/// a damaged index gives wrong positions, never a crash.
pub struct PositionBlocks {
    widths: OwnedBytes,
    data: OwnedBytes,
    packer: BitPacker4x,
    decoded: [u32; COMPRESSION_BLOCK_SIZE],
    /// The index of the block in `decoded` (`usize::MAX`: none yet).
    index: usize,
    /// Where the block after it starts in `data`.
    next_byte: usize,
}

impl PositionBlocks {
    pub fn open(mut bytes: OwnedBytes) -> std::io::Result<PositionBlocks> {
        let damaged = || std::io::Error::new(std::io::ErrorKind::InvalidData, "damaged positions");
        let packed = read_vint(&mut bytes).ok_or_else(damaged)?;
        if packed > bytes.len() {
            return Err(damaged());
        }
        let (widths, data) = bytes.split(packed);
        Ok(PositionBlocks {
            widths,
            data,
            packer: BitPacker4x::new(),
            decoded: [0; COMPRESSION_BLOCK_SIZE],
            index: usize::MAX,
            next_byte: 0,
        })
    }

    /// Replaces `out` with `count` positions from the `first`-th value on
    /// (one document's), each plus `shift`.
    pub fn read(&mut self, first: u64, count: u32, shift: u32, out: &mut Vec<u32>) {
        out.clear();
        let mut position = shift;
        self.runs(first, count, |gaps| {
            out.extend(gaps.iter().map(|&gap| {
                position = position.wrapping_add(gap);
                position
            }));
            true
        });
    }

    /// As [`keep_common`] of `left` and what [`read`](Self::read) would
    /// give, without writing the positions down, and reading no further
    /// than `left` reaches.
    pub fn keep_common(&mut self, first: u64, count: u32, shift: u32, left: &mut Vec<u32>) {
        let mut keep = Keep::new(left, shift);
        self.runs(first, count, |gaps| keep.take(gaps));
        let kept = keep.kept;
        left.truncate(kept);
    }

    /// Gives `f` the gaps of the `count` values from the `first`-th on, as
    /// runs of one decoded block each (one run for nearly every document:
    /// its few positions rarely cross a block), until it returns `false`.
    #[inline(always)]
    fn runs(&mut self, first: u64, count: u32, mut f: impl FnMut(&[u32]) -> bool) {
        let block = (first / COMPRESSION_BLOCK_SIZE as u64) as usize;
        let from = (first % COMPRESSION_BLOCK_SIZE as u64) as usize;
        let to = from + count as usize;
        if to <= COMPRESSION_BLOCK_SIZE {
            // One run, as for nearly every document.
            if block != self.index {
                self.load(block);
            }
            f(&self.decoded[from..to]);
            return;
        }
        let mut at = first;
        let end = first + u64::from(count);
        while at < end {
            let block = (at / COMPRESSION_BLOCK_SIZE as u64) as usize;
            if block != self.index {
                self.load(block);
            }
            let from = (at % COMPRESSION_BLOCK_SIZE as u64) as usize;
            let to = COMPRESSION_BLOCK_SIZE.min(from + (end - at) as usize);
            if !f(&self.decoded[from..to]) {
                return;
            }
            at += (to - from) as u64;
        }
    }

    /// Decodes block `index` (blocks are read forward; an earlier one
    /// starts over).
    fn load(&mut self, index: usize) {
        // The block starting at `next_byte` (0 before the first).
        let mut next = self.index.wrapping_add(1);
        if index < next {
            (next, self.next_byte) = (0, 0);
        }
        let widths = self.widths.as_slice();
        let packed_bytes = |width: u8| usize::from(width) * COMPRESSION_BLOCK_SIZE / 8;
        while next < index {
            self.next_byte += widths.get(next).map_or(0, |&w| packed_bytes(w));
            next += 1;
        }
        let data = self.data.as_slice().get(self.next_byte..).unwrap_or(&[]);
        match widths.get(index) {
            Some(&width) => {
                let bytes = packed_bytes(width);
                if width <= 32 && data.len() >= bytes {
                    self.packer.decompress(data, &mut self.decoded, width);
                } else {
                    self.decoded.fill(0);
                }
                self.next_byte += bytes;
            }
            // The last block: VInts to the end.
            None => {
                let mut bytes = data.iter();
                for value in &mut self.decoded {
                    let (mut v, mut shift) = (0u32, 0u32);
                    for &byte in bytes.by_ref() {
                        v |= u32::from(byte & 127).checked_shl(shift).unwrap_or(0);
                        if byte & 128 != 0 {
                            break;
                        }
                        shift += 7;
                    }
                    *value = v;
                }
                self.next_byte = self.data.len();
            }
        }
        self.index = index;
    }
}

/// The terms of a phrase in one segment, each with what its matcher needs
/// to know of it (`T`: its place in the phrase), moved together to the
/// documents holding them all.
pub struct Aligned<T> {
    /// The rarest first: it leads the alignment.
    pub terms: Vec<(Cursor, T)>,
    doc: DocId,
}

impl<T: Copy> Aligned<T> {
    /// Opens `terms` (all of one field with positions) in `reader`, aligned
    /// on the first document holding them all; `None` when one of them is
    /// not in the segment.
    pub fn open(
        reader: &SegmentReader,
        terms: &[(T, Term)],
    ) -> tantivy::Result<Option<Aligned<T>>> {
        let Some((_, first)) = terms.first() else {
            return Ok(None);
        };
        let field = first.field();
        let index = reader.inverted_index(field)?;
        let mut infos = Vec::with_capacity(terms.len());
        for (place, term) in terms {
            match index.get_term_info(term)? {
                Some(info) => infos.push((info, *place)),
                None => return Ok(None),
            }
        }
        infos.sort_by_key(|(info, _)| info.doc_freq);
        let rarest = infos.first().map_or(0, |(info, _)| info.doc_freq);
        let commonest = infos.last().map_or(0, |(info, _)| info.doc_freq);
        let walk = rarest.saturating_mul(WALK_RATIO) >= commonest;
        // The positions and postings of the field in this segment, for
        // walking cursors.
        let files = if walk {
            let open = |component| -> tantivy::Result<_> {
                let file = reader.open_read(component)?;
                Ok(CompositeFile::open(&file)?.open_read(field))
            };
            // A field's postings start with its number of tokens (a u64),
            // which term ranges leave out (as tantivy's reader does).
            let postings = open(SegmentComponent::Postings)?
                .filter(|file| file.num_bytes() >= TOKEN_COUNT_BYTES as u64)
                .map(|file| file.slice_from(TOKEN_COUNT_BYTES));
            open(SegmentComponent::Positions)?.zip(postings)
        } else {
            None
        };
        let mut cursors = Vec::with_capacity(infos.len());
        for (info, place) in infos {
            let cursor = match &files {
                Some((positions, postings)) => {
                    let block = index
                        .read_block_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
                    let bytes = positions.read_bytes_slice(info.positions_range.clone())?;
                    let skips = postings.read_bytes_slice(info.postings_range.clone())?;
                    Cursor::Walk(Box::new(Walk::new(
                        block,
                        PositionBlocks::open(bytes)?,
                        Skips::open(skips, info.doc_freq),
                    )))
                }
                None => Cursor::Skip(Box::new(index.read_postings_from_terminfo(
                    &info,
                    IndexRecordOption::WithFreqsAndPositions,
                )?)),
            };
            cursors.push((cursor, place));
        }
        let mut aligned = Aligned {
            terms: cursors,
            doc: 0,
        };
        aligned.doc = aligned.align(0);
        Ok(Some(aligned))
    }

    pub fn doc(&self) -> DocId {
        self.doc
    }

    /// The rarest term's number of documents.
    pub fn size_hint(&self) -> u32 {
        self.terms.first().map_or(0, |(c, _)| c.doc_freq())
    }

    /// Moves to the first document from `target` on holding every term
    /// (`TERMINATED` when there is none).
    pub fn seek(&mut self, target: DocId) -> DocId {
        if target > self.doc {
            self.doc = self.align(target);
        }
        self.doc
    }

    fn align(&mut self, target: DocId) -> DocId {
        let mut candidate = target;
        'outer: loop {
            for (cursor, _) in &mut self.terms {
                let doc = cursor.seek(candidate);
                if doc == TERMINATED {
                    return TERMINATED;
                }
                if doc > candidate {
                    candidate = doc;
                    continue 'outer;
                }
            }
            return candidate;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, IndexWriter, doc};

    proptest::proptest! {
        /// Keeping the wanted values among a document's positions as its
        /// gaps are summed, in runs cut anywhere (as blocks cut them),
        /// keeps what a merge with the summed positions keeps: one value
        /// wanted (the scan) or several.
        #[test]
        fn keeping_as_gaps_are_summed_keeps_what_a_merge_keeps(
            first in proptest::option::of(0u32..6),
            rest in proptest::collection::vec(1u32..6, 0..12),
            cuts in proptest::collection::vec(0usize..13, 0..3),
            picks in proptest::collection::vec(0u32..40, 0..5),
            shift in 0u32..4,
        ) {
            // A document's gaps: its first position, then steps of at
            // least one (none without a first).
            let gaps: Vec<u32> = match first {
                Some(first) => std::iter::once(first).chain(rest).collect(),
                None => Vec::new(),
            };
            let positions: Vec<u32> = gaps
                .iter()
                .scan(shift, |p, &gap| {
                    *p += gap;
                    Some(*p)
                })
                .collect();
            let mut wanted = picks;
            wanted.sort_unstable();
            wanted.dedup();
            let mut merged = wanted.clone();
            keep_common(&mut merged, &positions);
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(gaps.len())).collect();
            cuts.sort_unstable();
            cuts.push(gaps.len());
            let mut keep = Keep::new(&mut wanted, shift);
            let mut from = 0;
            for to in cuts {
                if !keep.take(&gaps[from..to]) {
                    break;
                }
                from = to;
            }
            let kept = keep.kept;
            wanted.truncate(kept);
            proptest::prop_assert_eq!(wanted, merged);
        }
    }

    #[test]
    fn keep_common_keeps_what_both_hold() {
        let mut left = vec![1, 3, 5, 7, 9];
        keep_common(&mut left, &[0, 3, 4, 9, 10]);
        assert_eq!(left, [3, 9]);
        keep_common(&mut left, &[]);
        assert!(left.is_empty());
    }

    /// A skip list that is not as expected is not used (a walk then steps
    /// block by block), and reading past it answers `None`.
    #[test]
    fn unexpected_skip_lists_are_not_used() {
        for (bytes, doc_freq) in [
            (vec![], 300),
            (vec![0x80 | 24], 300),
            (vec![0x80 | 12, 1, 2, 3], 300),
            (vec![0x80 | 13; 20], 300),
            (vec![0x7f; 20], 300),
            (vec![0x80 | 12; 20], 100),
        ] {
            let skips = Skips::open(OwnedBytes::new(bytes), doc_freq);
            assert_eq!(skips.entry(0), None);
            assert_eq!(skips.entry(usize::MAX), None);
        }
        let mut ok = vec![0x80 | 12];
        ok.extend([7, 0, 0, 0, 5, 3, 9, 0, 0, 0, 1, 2]);
        let skips = Skips::open(OwnedBytes::new(ok), 200);
        assert_eq!(skips.entry(0), Some((7, 9)));
        assert_eq!(skips.entry(1), None);
    }

    /// Damaged position data reads as some positions, never a panic.
    #[test]
    fn damaged_positions_do_not_panic() {
        let mut out = Vec::new();
        for bytes in [
            vec![],
            vec![0x00],
            vec![0x85, 40, 40],
            vec![0x81, 33, 1, 2, 3],
            vec![0x80, 0x00, 0x00],
            vec![0x81, 3, 0xff, 0x7f],
        ] {
            if let Ok(mut blocks) = PositionBlocks::open(OwnedBytes::new(bytes)) {
                blocks.read(0, 200, 0, &mut out);
                blocks.read(1000, 3, 7, &mut out);
                blocks.read(5, 1, 0, &mut out);
                let mut left = vec![0, 3, 40, u32::MAX];
                blocks.keep_common(0, 200, 0, &mut left);
                blocks.keep_common(1000, 3, 7, &mut left);
            }
        }
    }

    /// 1,000 documents in one segment: `a` in every other one, `b` in every
    /// one, repeated i % 7 + 1 times among other words (which in every
    /// tenth document make gaps too wide for a byte), and `c` in exactly
    /// two full blocks of documents: no last, partial block.
    fn blocks_index() -> tantivy::Result<(Index, tantivy::schema::Field)> {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
        for i in 0..1000u32 {
            // `a` in every other document, `b` in every one, repeated
            // i % 7 + 1 times among other words, which in every tenth
            // document make gaps too wide for a byte.
            let mut text = String::new();
            for j in 0..(i % 7 + 1) {
                if i % 2 == 0 {
                    text.push_str("a ");
                }
                let filler = if i % 10 == 0 { 300 + j * 40 } else { j % 3 };
                text.push_str(&"x ".repeat(filler as usize));
                text.push_str("b ");
            }
            // `c` in exactly two full blocks of documents: no last, partial
            // block.
            if i < 256 {
                text.push_str("c c ");
            }
            writer.add_document(doc!(body => text))?;
        }
        writer.commit()?;
        Ok((index, body))
    }

    /// The skip list read by [`Skips`] says what tantivy's blocks hold:
    /// each full block's last document and number of positions.
    #[test]
    fn skips_are_tantivys_blocks() -> tantivy::Result<()> {
        let (index, body) = blocks_index()?;
        let searcher = index.reader()?.searcher();
        let reader = searcher.segment_reader(0);
        let inverted = reader.inverted_index(body)?;
        let file = reader.open_read(SegmentComponent::Postings)?;
        let postings = CompositeFile::open(&file)?
            .open_read(body)
            .map(|f| f.slice_from(TOKEN_COUNT_BYTES))
            .expect("the field has postings");
        for (word, full_blocks) in [("a", 3), ("b", 7), ("c", 2)] {
            let Some(info) = inverted.get_term_info(&Term::from_field_text(body, word))? else {
                panic!("{word} is indexed");
            };
            let skips = Skips::open(
                postings.read_bytes_slice(info.postings_range.clone())?,
                info.doc_freq,
            );
            let mut block =
                inverted.read_block_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
            for i in 0..full_blocks {
                let last = block.docs().last().copied();
                let positions = block.freqs().iter().sum::<u32>();
                assert_eq!(
                    skips.entry(i),
                    last.map(|d| (d, positions)),
                    "{word} block {i}"
                );
                block.advance();
            }
            assert_eq!(skips.entry(full_blocks), None, "{word}");
        }
        Ok(())
    }

    /// A walking cursor gives the same documents, frequencies and positions
    /// as tantivy's postings, whether it steps or jumps: over a list of many
    /// blocks with varied frequencies, seeking to every `step`-th document
    /// (300 jumps over blocks by the skip list).
    #[test]
    fn a_walk_reads_what_tantivys_postings_read() -> tantivy::Result<()> {
        let (index, body) = blocks_index()?;
        let searcher = index.reader()?.searcher();
        let reader = searcher.segment_reader(0);
        for word in ["a", "b", "c"] {
            let term = Term::from_field_text(body, word);
            for step in [1, 2, 3, 50, 300] {
                let open = |reader| Aligned::open(reader, &[(0, term.clone())]);
                let Some(mut walk) = open(reader)? else {
                    panic!("{word} is indexed");
                };
                assert!(matches!(walk.terms[0].0, Cursor::Walk(_)));
                let index = reader.inverted_index(body)?;
                let Some(mut skip) =
                    index.read_postings(&term, IndexRecordOption::WithFreqsAndPositions)?
                else {
                    panic!("{word} is indexed");
                };
                let (mut got, mut want) = (Vec::new(), Vec::new());
                let mut target = 0;
                loop {
                    let doc = walk.seek(target);
                    assert_eq!(doc, skip.seek(target), "{word} step {step}");
                    if doc == TERMINATED {
                        break;
                    }
                    let cursor = &mut walk.terms[0].0;
                    assert_eq!(cursor.term_freq(), skip.term_freq());
                    cursor.positions(5, &mut got);
                    want.clear();
                    skip.append_positions_with_offset(5, &mut want);
                    assert_eq!(got, want, "{word} doc {doc}");
                    // Keeping what a list shares with the positions, as
                    // they are decoded, keeps what a merge of the two does.
                    for left in [
                        vec![],
                        vec![0, 5, 6, 7, 8, 9, 400, 5000],
                        want.iter().step_by(2).copied().collect(),
                        want.iter().map(|p| p + 1).collect(),
                        want.clone(),
                    ] {
                        let (mut fused, mut merged) = (left.clone(), left);
                        cursor.keep_common(5, &mut fused, &mut got);
                        keep_common(&mut merged, &want);
                        assert_eq!(fused, merged, "{word} doc {doc}");
                    }
                    target = doc + step;
                }
            }
        }
        Ok(())
    }
}
