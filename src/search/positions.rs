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
//! - decodes every block of documents, and sums each block's frequencies
//!   once, so a document's first position is one look-up (the skip list
//!   that would let it jump over blocks knows their position offsets, but
//!   does not tell them outside tantivy);
//! - decodes the positions itself ([`PositionBlocks`], tantivy's layout
//!   read with the same `bitpacking` codec), adding up a document's gaps
//!   straight out of the decoded block.
//!
//! At 100,000 generated decisions that took the CPU time of "within three
//! months of the final decision" down by a third (user CPU of 400 searches
//! 5.9–6.6 → 3.7–3.9 s; callgrind: 2.95 → 2.28 billion instructions for
//! 22 searches), its full answer 9.4 → 5.9 ms at the median in a slow hour.
//!
//! Walking decodes blocks a skip would have jumped over, so it pays only
//! when the rarest term's documents are enough to visit most blocks of the
//! others anyway. Otherwise a cursor is tantivy's `SegmentPostings`, which
//! jumps (see [`WALK_RATIO`]). Both give the same documents and positions
//! (tested against each other).

use bitpacking::{BitPacker, BitPacker4x};
use tantivy::directory::{CompositeFile, OwnedBytes};
use tantivy::index::SegmentComponent;
use tantivy::postings::{BlockSegmentPostings, Postings, SegmentPostings};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, SegmentReader, TERMINATED, Term};

/// Documents in a block of a posting list (tantivy's, fixed by its format).
const COMPRESSION_BLOCK_SIZE: usize = 128;

/// A phrase's terms are walked (not skipped through) in a segment when its
/// rarest term's documents, times this, reach every other term's: then the
/// rarest term's documents land in most blocks (of 128) of the others, and
/// a skipping cursor would decode those blocks too. Measured at 100,000
/// decisions against 16 (4 interleaved rounds): phrases in 484–9,612
/// decisions, which walk at 128 and skip at 16, answered 15–20% faster
/// walking; a one-shot search, whose first touch of each page of the lists
/// costs a fault, about 0.1–0.3 ms slower (3.72 → 4.09 ms, 200 runs).
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
    #[inline]
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

/// A posting list walked block by block, keeping where each document's
/// positions start.
pub struct Walk {
    block: BlockSegmentPostings,
    positions: PositionBlocks,
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
    fn new(block: BlockSegmentPostings, positions: PositionBlocks) -> Walk {
        let mut walk = Walk {
            block,
            positions,
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
            while docs[self.cur] < target {
                self.cur += 1;
            }
            self.doc = docs[self.cur];
        } else {
            self.doc = self.settle(target);
        }
        self.doc
    }

    /// From the current block and index on, the first document at or past
    /// `target`, crossing into later blocks as needed.
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
            self.block.advance();
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
        let (mut packed, mut shift) = (0usize, 0u32);
        loop {
            let byte = *bytes.as_slice().first().ok_or_else(damaged)?;
            bytes.advance(1);
            packed |= usize::from(byte & 127)
                .checked_shl(shift)
                .ok_or_else(damaged)?;
            if byte & 128 != 0 {
                break;
            }
            shift += 7;
        }
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
        self.each(first, count, shift, |position| {
            out.push(position);
            true
        });
    }

    /// As [`keep_common`] of `left` and what [`read`](Self::read) would
    /// give, without writing the positions down, and reading no further
    /// than `left` reaches.
    pub fn keep_common(&mut self, first: u64, count: u32, shift: u32, left: &mut Vec<u32>) {
        let (mut i, mut kept) = (0, 0);
        self.each(first, count, shift, |position| {
            while i < left.len() && left[i] < position {
                i += 1;
            }
            let Some(&l) = left.get(i) else {
                return false;
            };
            if l == position {
                left[kept] = l;
                kept += 1;
                i += 1;
            }
            true
        });
        left.truncate(kept);
    }

    /// Gives `f` the `count` positions from the `first`-th value on, each
    /// plus `shift`, in order, until it returns `false`.
    #[inline(always)]
    fn each(&mut self, first: u64, count: u32, shift: u32, mut f: impl FnMut(u32) -> bool) {
        let mut at = first;
        let end = first + u64::from(count);
        let mut position = shift;
        while at < end {
            let block = (at / COMPRESSION_BLOCK_SIZE as u64) as usize;
            if block != self.index {
                self.load(block);
            }
            let from = (at % COMPRESSION_BLOCK_SIZE as u64) as usize;
            let to = COMPRESSION_BLOCK_SIZE.min(from + (end - at) as usize);
            for &gap in &self.decoded[from..to] {
                position = position.wrapping_add(gap);
                if !f(position) {
                    return;
                }
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
        // The positions of the field in this segment, for walking cursors.
        let positions = if walk {
            let file = reader.open_read(SegmentComponent::Positions)?;
            CompositeFile::open(&file)?.open_read(field)
        } else {
            None
        };
        let mut cursors = Vec::with_capacity(infos.len());
        for (info, place) in infos {
            let cursor = match &positions {
                Some(file) => {
                    let block = index
                        .read_block_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
                    let bytes = file.read_bytes_slice(info.positions_range.clone())?;
                    Cursor::Walk(Box::new(Walk::new(block, PositionBlocks::open(bytes)?)))
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

    #[test]
    fn keep_common_keeps_what_both_hold() {
        let mut left = vec![1, 3, 5, 7, 9];
        keep_common(&mut left, &[0, 3, 4, 9, 10]);
        assert_eq!(left, [3, 9]);
        keep_common(&mut left, &[]);
        assert!(left.is_empty());
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

    /// A walking cursor gives the same documents, frequencies and positions
    /// as tantivy's postings, whether it steps or jumps: over a list of many
    /// blocks with varied frequencies, seeking to every `step`-th document.
    #[test]
    fn a_walk_reads_what_tantivys_postings_read() -> tantivy::Result<()> {
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
