//! [`SloppyPhrase`]: a phrase whose words may stand a few positions from
//! their places (`"time trouble"~2`), in an exact field with positions.
//!
//! It matches where, from a position of its first word, every other word
//! has a position within the slop of its place in the phrase (before or
//! after it), a word repeated in the phrase at as many distinct positions
//! as it is repeated; its count in a document is the number of such
//! first-word positions. Each word's positions are read once per document
//! ([`Slop`]), so matching costs about a pass over them whatever the words.
//! The same rule serves a section's sloppy phrase ([`super::span`]), with
//! only the positions within the section, so a section never matches where
//! the whole text does not; and the highlighter's ([`super::snippet`]),
//! over a window's tokens, so what is highlighted is what matched.
//!
//! tantivy's sloppy phrase query, used before, carries every partial match
//! from word to word, and with a common word repeated in a long phrase
//! those grow from word to word: at 100,000 generated decisions
//! `"the the x the the"~100` took 16 s and `"a the a the a the a the"~100`
//! 11 s, and at 20,000 six `the`s within 100 did not finish in 20 s (here,
//! the whole `search` command: 0.43, 0.10 and 0.54 s at 100,000).
//!
//! Scoring is [`super::phrase`]'s: BM25 of the count over the field's
//! length, with the idf of all the terms.

use super::phrase::{Counter, PhraseKind, phrase_query};
use super::positions::Cursor;
use tantivy::{DocId, SegmentReader, Term};

/// A sloppy phrase: its words' terms at their places in it, and how far
/// (in positions) each may stand from its place.
#[derive(Debug, Clone)]
pub struct SloppyPhrase {
    terms: Vec<(Place, Term)>,
    slop: u32,
}

impl SloppyPhrase {
    /// The phrase of `terms` (all of one field) at their offsets in it.
    pub fn new(terms: Vec<(usize, Term)>, slop: u32) -> SloppyPhrase {
        SloppyPhrase {
            terms: places(&terms)
                .into_iter()
                .zip(terms)
                .map(|(place, (_, term))| (place, term))
                .collect(),
            slop,
        }
    }
}

impl PhraseKind for SloppyPhrase {
    type Place = Place;
    type Counter = Near;

    fn terms(&self) -> &[(Place, Term)] {
        &self.terms
    }

    fn counter(&self, _reader: &SegmentReader) -> tantivy::Result<Near> {
        let places: Vec<Place> = self.terms.iter().map(|(place, _)| *place).collect();
        Ok(Near(Slop::new(self.slop, &places)))
    }
}

phrase_query!(SloppyPhrase);

/// Where a term lies in a sloppy phrase: its index and offset in it, and
/// the word it is (the index of the first term equal to it: its own when
/// unrepeated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub term: u32,
    pub offset: u32,
    pub word: u32,
}

/// The places of `terms` (in phrase order, with their offsets).
pub fn places<T: PartialEq>(terms: &[(usize, T)]) -> Vec<Place> {
    let index = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    terms
        .iter()
        .enumerate()
        .map(|(i, (offset, term))| Place {
            term: index(i),
            offset: u32::try_from(*offset).unwrap_or(u32::MAX),
            word: index(terms.iter().position(|(_, t)| t == term).unwrap_or(i)),
        })
        .collect()
}

/// A sloppy phrase's count in a document of the whole field.
pub struct Near(Slop);

impl Counter<Place> for Near {
    fn count(&mut self, terms: &mut [(Cursor, Place)], _doc: DocId) -> u32 {
        for (cursor, place) in terms.iter_mut() {
            if let Some(positions) = self.0.buffer(*place) {
                cursor.positions(0, positions);
            }
        }
        self.0.count()
    }
}

/// Counting a sloppy phrase in one document, over its words' positions
/// (each word's filled once through [`Slop::buffer`], ascending), with
/// buffers reused from document to document.
#[derive(Clone)]
pub struct Slop {
    slop: i64,
    /// Each word's positions in the document, by word (a repeated word's
    /// under its first term; the other entries stay empty).
    positions: Vec<Vec<u32>>,
    /// The first word's term: its word and offset.
    lead: (usize, i64),
    /// The other terms of unrepeated words: (word, offset).
    solo: Vec<(usize, i64)>,
    /// The terms of repeated words: (word, offset), sorted, so each word's
    /// terms come together in offset order.
    repeated: Vec<(usize, i64)>,
    /// For each term, how far its word's positions were passed for the
    /// starts so far (solo and repeated terms in that order).
    next: Vec<usize>,
}

impl Slop {
    /// Counting for a phrase of terms at `places` (every term's, in any
    /// order) with `slop`: which term leads (the least offset), which
    /// words repeat, worked out once.
    pub fn new(slop: u32, places: &[Place]) -> Slop {
        let to = |x: u32| usize::try_from(x).unwrap_or(usize::MAX);
        let lead = places.iter().min_by_key(|p| p.offset).copied();
        let repeats = |p: &Place| places.iter().any(|o| o.term != p.term && o.word == p.word);
        let others = places.iter().filter(|p| Some(**p) != lead);
        let mut repeated: Vec<(usize, i64)> = others
            .clone()
            .filter(|p| repeats(p))
            .map(|p| (to(p.word), i64::from(p.offset)))
            .collect();
        repeated.sort_unstable();
        let solo: Vec<(usize, i64)> = others
            .filter(|p| !repeats(p))
            .map(|p| (to(p.word), i64::from(p.offset)))
            .collect();
        Slop {
            slop: i64::from(slop),
            positions: vec![Vec::new(); places.len()],
            lead: lead.map_or((usize::MAX, 0), |p| (to(p.word), i64::from(p.offset))),
            next: vec![0; solo.len() + repeated.len()],
            solo,
            repeated,
        }
    }

    /// The buffer for the positions of the term at `place` in this
    /// document, when its word's are not read through another term.
    pub fn buffer(&mut self, place: Place) -> Option<&mut Vec<u32>> {
        (place.term == place.word)
            .then(|| self.positions.get_mut(usize::try_from(place.word).ok()?))
            .flatten()
    }

    /// The phrase's count: the positions `p` of its first word (at `p -
    /// offset` the phrase's start `r`) from which each other term has a
    /// position within the slop of `r + its offset`, the terms of one
    /// repeated word at distinct positions (and not at `p`).
    pub fn count(&mut self) -> u32 {
        let mut count = 0;
        self.each_match(|_| count += 1);
        count
    }

    /// Each match [`count`](Slop::count) counts, in order of its first
    /// word's position, with the positions its words took (the highlighter
    /// marks from the least to the greatest).
    pub fn each_match(&mut self, mut found: impl FnMut(Match)) {
        let (lead, lead_offset) = self.lead;
        let Some(starts) = self.positions.get(lead) else {
            return;
        };
        self.next.fill(0);
        let (slop, solo) = (self.slop, self.solo.len());
        'starts: for &p in starts {
            let r = i64::from(p) - lead_offset;
            let mut extent = Match { first: p, last: p };
            // Each unrepeated word: a position in its window (the windows
            // move right with the starts, so each list is passed once).
            for (k, &(word, offset)) in self.solo.iter().enumerate() {
                let list = &self.positions[word];
                let next = &mut self.next[k];
                while *next < list.len() && i64::from(list[*next]) < r + offset - slop {
                    *next += 1;
                }
                match list.get(*next) {
                    Some(&q) if i64::from(q) <= r + offset + slop => extent.take(q),
                    _ => continue 'starts,
                }
            }
            // Each repeated word: its terms, in offset order, take the
            // first free position of their windows (greedy: equal windows
            // in order, so the first free one is never a worse choice).
            let mut taken = (usize::MAX, i64::MIN);
            for (k, &(word, offset)) in self.repeated.iter().enumerate() {
                if taken.0 != word {
                    taken = (word, i64::MIN);
                }
                let list = &self.positions[word];
                let next = &mut self.next[solo + k];
                while *next < list.len() && i64::from(list[*next]) < r + offset - slop {
                    *next += 1;
                }
                // The first position in the window not taken by the word's
                // earlier terms (they took positions in order) and not the
                // first word's.
                let mut at = *next;
                while list
                    .get(at)
                    .is_some_and(|&q| i64::from(q) <= taken.1 || (word == lead && q == p))
                {
                    at += 1;
                }
                match list.get(at) {
                    Some(&q) if i64::from(q) <= r + offset + slop => {
                        taken.1 = i64::from(q);
                        extent.take(q);
                    }
                    _ => continue 'starts,
                }
            }
            found(extent);
        }
    }
}

/// Where one match of a sloppy phrase lies: the least and the greatest
/// position its words took (its words may stand in any order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub first: u32,
    pub last: u32,
}

impl Match {
    fn take(&mut self, position: u32) {
        self.first = self.first.min(position);
        self.last = self.last.max(position);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, IndexWriter, doc};

    /// Whether the phrase `phrase` (words at offsets 0, 1, …) occurs from
    /// position `p` of its first word in `text` with `slop`, by trying every
    /// assignment of distinct positions to its other words.
    fn occurs_at(text: &[u8], phrase: &[u8], slop: i64, p: usize) -> bool {
        fn assign(text: &[u8], phrase: &[u8], slop: i64, used: &mut Vec<usize>) -> bool {
            let k = used.len();
            if k == phrase.len() {
                return true;
            }
            let centre = used[0] as i64 + k as i64;
            for (q, &word) in text.iter().enumerate() {
                if word == phrase[k] && (q as i64 - centre).abs() <= slop && !used.contains(&q) {
                    used.push(q);
                    if assign(text, phrase, slop, used) {
                        return true;
                    }
                    used.pop();
                }
            }
            false
        }
        text[p] == phrase[0] && assign(text, phrase, slop, &mut vec![p])
    }

    /// How many positions of `text` the phrase occurs from ([`occurs_at`]):
    /// the reference the counting here and the highlighter's are tested
    /// against.
    pub(crate) fn count_by_search(text: &[u8], phrase: &[u8], slop: u32) -> u32 {
        (0..text.len())
            .filter(|&p| occurs_at(text, phrase, i64::from(slop), p))
            .count() as u32
    }

    fn count_by_slop(text: &[u8], phrase: &[u8], slop: u32) -> u32 {
        let offsets: Vec<(usize, u8)> = phrase.iter().copied().enumerate().collect();
        let places = places(&offsets);
        let mut counter = Slop::new(slop, &places);
        for (place, &word) in places.iter().zip(phrase) {
            if let Some(positions) = counter.buffer(*place) {
                positions.clear();
                positions.extend((0..text.len() as u32).filter(|&q| text[q as usize] == word));
            }
        }
        counter.count()
    }

    proptest! {
        /// Over texts of three words (so that phrases repeat words), the
        /// count is the number of first-word positions from which the other
        /// words have distinct positions within the slop of their places.
        #[test]
        fn counts_as_an_exhaustive_search(
            text in proptest::collection::vec(0u8..3, 1..24),
            phrase in proptest::collection::vec(0u8..3, 2..5),
            slop in 1u32..5,
        ) {
            prop_assert_eq!(
                count_by_slop(&text, &phrase, slop),
                count_by_search(&text, &phrase, slop),
                "text {:?} phrase {:?} ~{}", text, phrase, slop
            );
        }
    }

    /// Through the index: which texts a sloppy phrase finds.
    #[test]
    fn sloppy_phrases_match_through_the_index() -> tantivy::Result<()> {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let texts = [
            "time and trouble",
            "trouble time",
            "time x x x x trouble",
            "a b c",
            "a x a",
            "a",
            "a a a a",
        ];
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
        for text in texts {
            writer.add_document(doc!(body => text))?;
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let found = |words: &[&str], slop: u32| -> tantivy::Result<Vec<&str>> {
            let terms = words
                .iter()
                .enumerate()
                .map(|(i, w)| (i, Term::from_field_text(body, w)))
                .collect();
            let query = SloppyPhrase::new(terms, slop);
            let hits = searcher.search(&query, &TopDocs::with_limit(10).order_by_score())?;
            assert_eq!(hits.len(), searcher.search(&query, &Count)?);
            let mut docs: Vec<&str> = hits.iter().map(|(_, a)| texts[a.doc_id as usize]).collect();
            docs.sort_unstable();
            Ok(docs)
        };
        assert_eq!(
            found(&["time", "trouble"], 2)?,
            ["time and trouble", "trouble time"]
        );
        assert_eq!(found(&["time", "trouble"], 1)?, ["time and trouble"]);
        assert_eq!(found(&["time", "trouble"], 4)?.len(), 3);
        // A repeated word needs as many positions as it is repeated.
        assert_eq!(found(&["a", "a"], 2)?, ["a a a a", "a x a"]);
        assert_eq!(found(&["a", "a", "a", "a"], 3)?, ["a a a a"]);
        assert_eq!(found(&["a", "a", "a", "a", "a"], 9)?, Vec::<&str>::new());
        Ok(())
    }
}
