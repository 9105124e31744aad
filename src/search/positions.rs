//! A term's documents and positions in one segment ([`Cursor`]), and the
//! terms of a phrase lined up on the documents that hold them all
//! ([`Aligned`]): what the phrase matchers ([`super::phrase`],
//! [`super::span`]) read.
//!
//! ## Why not tantivy's postings alone
//!
//! A phrase found in most decisions ("within three months of the final
//! decision" is in 60% of the generated ones) reads the positions of every
//! term in every document it visits, and tantivy's `SegmentPostings` finds
//! where a document's positions start by summing the term frequencies of
//! the documents before it in its block of 128: on average 64 additions per
//! document and term, about a third of such a phrase's time in a profile.
//! A [`Cursor`] that *walks* a posting list keeps that sum as it goes, so
//! each document costs one addition: it decodes every block (the skip list
//! that would let it jump over blocks knows their position offsets, but
//! does not tell them outside tantivy), reading the positions itself with
//! tantivy's public `PositionReader`.
//!
//! Walking decodes blocks a skip would have jumped over, so it pays only
//! when the rarest term's documents are enough to visit most blocks of the
//! others anyway. Otherwise a cursor is tantivy's `SegmentPostings`, which
//! jumps (see [`WALK_RATIO`]). Both give the same documents and positions.

use tantivy::directory::CompositeFile;
use tantivy::index::SegmentComponent;
use tantivy::positions::PositionReader;
use tantivy::postings::{BlockSegmentPostings, Postings, SegmentPostings};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, SegmentReader, TERMINATED, Term};

/// A phrase's terms are walked (not skipped through) in a segment when its
/// rarest term's documents, times this, reach every other term's: then the
/// rarest term's documents land in most blocks (of 128) of the others, and
/// a skipping cursor would decode those blocks too.
pub const WALK_RATIO: u32 = 128;

/// A term's documents in one segment, in order, with each one's positions.
pub enum Cursor {
    /// Block by block, every block decoded (see the module header).
    Walk(Walk),
    /// tantivy's postings, jumping over blocks by the skip list.
    Skip(SegmentPostings),
}

impl Cursor {
    pub fn doc(&self) -> DocId {
        match self {
            Cursor::Walk(w) => w.doc,
            Cursor::Skip(p) => p.doc(),
        }
    }

    /// The first document from `target` on (`TERMINATED` past the last).
    /// `target` is at least the current document.
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
    pub fn term_freq(&self) -> u32 {
        match self {
            Cursor::Walk(w) => w.block.freq(w.cur),
            Cursor::Skip(p) => p.term_freq(),
        }
    }

    /// Replaces `out` with the term's positions in the current document,
    /// each plus `shift`, ascending.
    pub fn positions(&mut self, shift: u32, out: &mut Vec<u32>) {
        out.clear();
        match self {
            Cursor::Walk(w) => w.positions(shift, out),
            Cursor::Skip(p) => p.append_positions_with_offset(shift, out),
        }
    }
}

/// A posting list walked block by block, keeping where each document's
/// positions start.
pub struct Walk {
    block: BlockSegmentPostings,
    reader: PositionReader,
    doc: DocId,
    /// The current document's index in the block.
    cur: usize,
    /// The index in the block up to which `offset` counts positions...
    counted: usize,
    /// ...: the positions of the term before the document at `counted`.
    offset: u64,
}

impl Walk {
    fn new(block: BlockSegmentPostings, reader: PositionReader) -> Walk {
        let mut walk = Walk {
            block,
            reader,
            doc: 0,
            cur: 0,
            counted: 0,
            offset: 0,
        };
        walk.doc = walk.settle(0);
        walk
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        self.doc = self.settle(target);
        self.doc
    }

    /// From the current block and index on, the first document at or past
    /// `target`, crossing into later blocks as needed.
    fn settle(&mut self, target: DocId) -> DocId {
        loop {
            let docs = self.block.docs();
            let Some(&last) = docs.last() else {
                return TERMINATED;
            };
            if last >= target {
                // Blocks hold at most 128 documents, and a walk moves a few
                // at a time: a scan beats a binary search here (measured).
                while docs[self.cur] < target {
                    self.cur += 1;
                }
                return docs[self.cur];
            }
            // The whole block is passed: count its remaining positions.
            let freqs = &self.block.freqs()[self.counted..];
            self.offset += freqs.iter().map(|&f| u64::from(f)).sum::<u64>();
            self.block.advance();
            self.cur = 0;
            self.counted = 0;
        }
    }

    fn positions(&mut self, shift: u32, out: &mut Vec<u32>) {
        let freqs = self.block.freqs();
        self.offset += freqs[self.counted..self.cur]
            .iter()
            .map(|&f| u64::from(f))
            .sum::<u64>();
        self.counted = self.cur;
        let tf = freqs[self.cur] as usize;
        out.resize(tf, 0);
        self.reader.read(self.offset, out);
        // Stored as gaps from the previous position (the first from 0).
        let mut position = shift;
        for p in out.iter_mut() {
            position += *p;
            *p = position;
        }
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
                    Cursor::Walk(Walk::new(block, PositionReader::open(bytes)?))
                }
                None => Cursor::Skip(index.read_postings_from_terminfo(
                    &info,
                    IndexRecordOption::WithFreqsAndPositions,
                )?),
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
            // i % 7 + 1 times among other words.
            let mut text = String::new();
            for j in 0..(i % 7 + 1) {
                if i % 2 == 0 {
                    text.push_str("a ");
                }
                text.push_str(&"x ".repeat((j % 3) as usize));
                text.push_str("b ");
            }
            writer.add_document(doc!(body => text))?;
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let reader = searcher.segment_reader(0);
        for word in ["a", "b"] {
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
                    target = doc + step;
                }
            }
        }
        Ok(())
    }
}
