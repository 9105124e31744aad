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
//! the whole text does not.
//!
//! tantivy's sloppy phrase query, used before, carries every partial match
//! from word to word, and with a common word repeated in a long phrase
//! those grow from word to word: at 100,000 generated decisions
//! `"the the x the the"~100` took 16 s and `"a the a the a the a the"~100`
//! 11 s, and at 20,000 six `the`s within 100 did not finish in 20 s (here,
//! the whole `search` command: 0.47, 0.13 and 0.62 s at 100,000).
//!
//! Scoring is [`super::phrase`]'s: BM25 of the count over the field's
//! length, with the idf of all the terms.

use super::phrase::{Counter, PhraseKind, PhraseWeight};
use super::positions::Cursor;
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::schema::Field;
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

    fn lengths(&self) -> Option<Field> {
        self.terms.first().map(|(_, term)| term.field())
    }

    fn counter(&self, _reader: &SegmentReader) -> tantivy::Result<Near> {
        Ok(Near(Slop::new(self.slop)))
    }
}

impl Query for SloppyPhrase {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        PhraseWeight::boxed(self, &scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (_, term) in &self.terms {
            visitor(term, true);
        }
    }
}

/// Where a word lies in a sloppy phrase: its offset, and which word of the
/// phrase it repeats (the first with its term; itself when unrepeated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub offset: u32,
    pub word: u32,
}

/// The places of `terms` (in phrase order): each term's offset, and the
/// first term equal to it.
pub fn places<T: PartialEq>(terms: &[(usize, T)]) -> Vec<Place> {
    terms
        .iter()
        .enumerate()
        .map(|(i, (offset, term))| Place {
            offset: u32::try_from(*offset).unwrap_or(u32::MAX),
            word: terms
                .iter()
                .position(|(_, t)| t == term)
                .and_then(|w| u32::try_from(w).ok())
                .unwrap_or(u32::try_from(i).unwrap_or(u32::MAX)),
        })
        .collect()
}

/// A sloppy phrase's count in a document of the whole field.
pub struct Near(Slop);

impl Counter<Place> for Near {
    fn count(&mut self, terms: &mut [(Cursor, Place)], _doc: DocId) -> u32 {
        for (i, (cursor, _)) in terms.iter_mut().enumerate() {
            cursor.positions(0, self.0.buffer(i));
        }
        let places: &[(Cursor, Place)] = terms;
        self.0.count(places.iter().map(|(_, place)| *place))
    }
}

/// Counting a sloppy phrase in one document, over its words' positions
/// (each term's filled through [`Slop::buffer`], ascending), with buffers
/// reused from document to document.
pub struct Slop {
    slop: u32,
    /// Each term's positions in the document, in the order of the terms.
    positions: Vec<Vec<u32>>,
    /// For each term, how far its positions were passed for the starts so far.
    next: Vec<usize>,
    /// The term of the first word, and its place (once planned).
    lead: Option<(usize, Place)>,
    /// The other terms of unrepeated words: (term index, offset).
    solo: Vec<(usize, i64)>,
    /// The repeated words' terms: (word, offset, term index), sorted.
    repeated: Vec<(u32, u32, usize)>,
}

impl Slop {
    pub fn new(slop: u32) -> Slop {
        Slop {
            slop,
            positions: Vec::new(),
            next: Vec::new(),
            lead: None,
            solo: Vec::new(),
            repeated: Vec::new(),
        }
    }

    /// Works out, from the terms' places (in the order of their buffers),
    /// which term leads (the least offset), the terms of repeated words
    /// and the others; `None` without terms.
    fn plan(&mut self, places: impl Iterator<Item = Place> + Clone) -> Option<(usize, Place)> {
        let lead = places
            .clone()
            .enumerate()
            .min_by_key(|(_, place)| place.offset)?;
        self.repeated.clear();
        self.solo.clear();
        for (i, place) in places.clone().enumerate() {
            if places
                .clone()
                .enumerate()
                .any(|(j, other)| j != i && other.word == place.word)
            {
                self.repeated.push((place.word, place.offset, i));
            } else if i != lead.0 {
                self.solo.push((i, i64::from(place.offset)));
            }
        }
        self.repeated.sort_unstable();
        self.next = vec![0; places.count()];
        self.lead = Some(lead);
        Some(lead)
    }

    /// The positions buffer of the `i`-th term, to fill for this document.
    pub fn buffer(&mut self, i: usize) -> &mut Vec<u32> {
        if self.positions.len() <= i {
            self.positions.resize_with(i + 1, Vec::new);
        }
        &mut self.positions[i]
    }

    /// The phrase's count: the positions `p` of its first word (the term of
    /// least offset, at `p - offset` the phrase's start `r`) from which each
    /// other term has a position within the slop of `r + its offset`, the
    /// terms of one repeated word at distinct positions (and not at `p`).
    /// `places` are the terms' places, in the order of their buffers, the
    /// same order in every document counted.
    pub fn count(&mut self, places: impl Iterator<Item = Place> + Clone) -> u32 {
        // The terms come in the same order in every document: which leads
        // and which repeat is worked out once.
        let lead = self.lead;
        let Some((lead, lead_place)) = lead.or_else(|| self.plan(places)) else {
            return 0;
        };
        self.next.fill(0);
        let slop = i64::from(self.slop);
        let mut count = 0;
        'starts: for &p in &self.positions[lead] {
            let r = i64::from(p) - i64::from(lead_place.offset);
            // Each unrepeated word: a position in its window (the windows
            // move right with the starts, so each list is passed once).
            for &(i, offset) in &self.solo {
                let (low, high) = (r + offset - slop, r + offset + slop);
                let list = &self.positions[i];
                let next = &mut self.next[i];
                while *next < list.len() && i64::from(list[*next]) < low {
                    *next += 1;
                }
                if list.get(*next).is_none_or(|&q| i64::from(q) > high) {
                    continue 'starts;
                }
            }
            // Each repeated word: its terms, in offset order, take the
            // first free position of their windows (greedy: equal windows
            // in order, so the first free one is never a worse choice).
            let mut k = 0;
            while k < self.repeated.len() {
                let word = self.repeated[k].0;
                let mut taken = i64::MIN;
                while k < self.repeated.len() && self.repeated[k].0 == word {
                    let (_, offset, i) = self.repeated[k];
                    k += 1;
                    if i == lead {
                        continue;
                    }
                    let (low, high) = (r + i64::from(offset) - slop, r + i64::from(offset) + slop);
                    let list = &self.positions[i];
                    let next = &mut self.next[i];
                    while *next < list.len() && i64::from(list[*next]) < low {
                        *next += 1;
                    }
                    // The first position in the window not taken before
                    // (the word's earlier terms took positions in order)
                    // and not the first word's.
                    let mut at = *next;
                    while list.get(at).is_some_and(|&q| {
                        i64::from(q) <= taken || (lead_place.word == word && q == p)
                    }) {
                        at += 1;
                    }
                    match list.get(at) {
                        Some(&q) if i64::from(q) <= high => taken = i64::from(q),
                        _ => continue 'starts,
                    }
                }
            }
            count += 1;
        }
        count
    }
}

#[cfg(test)]
mod tests {
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

    fn count_by_search(text: &[u8], phrase: &[u8], slop: u32) -> u32 {
        (0..text.len())
            .filter(|&p| occurs_at(text, phrase, i64::from(slop), p))
            .count() as u32
    }

    fn count_by_slop(text: &[u8], phrase: &[u8], slop: u32) -> u32 {
        let offsets: Vec<(usize, u8)> = phrase.iter().copied().enumerate().collect();
        let places = places(&offsets);
        let mut counter = Slop::new(slop);
        for (i, &word) in phrase.iter().enumerate() {
            let positions = counter.buffer(i);
            positions.clear();
            positions.extend((0..text.len() as u32).filter(|&q| text[q as usize] == word));
        }
        counter.count(places.into_iter())
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
