//! Phrases within a section's place in the whole text: how a query naming
//! `complaint` or `reasons` matches, as those sections have no exact field
//! of their own (see [`crate::schema`]).
//!
//! A [`SpanPhrase`] reads the whole text's exact field: its terms (words,
//! or common pairs of two words) are intersected document by document
//! ([`super::positions::Aligned`]), and in a document that holds them all,
//! each term's positions are kept only where all its words lie within one
//! of the section's spans (read from the `section_span` fast field). An
//! exact phrase then matches where the kept positions line up word after
//! word, so a phrase matches in a section exactly where it matches in the
//! whole text with all its words inside the section: `reasons:"x"` never
//! matches where `"x"` does not. The counting is this module's
//! (`WithinSpans`); the weight and scorer are [`super::phrase`]'s.
//!
//! A sloppy phrase (`reasons:"a b"~3`) matches where each word lies within
//! the slop of its place relative to the first word's, the rule of the
//! whole text's sloppy phrases ([`super::sloppy`]) with only the positions
//! within the section kept, so here too the section never matches where
//! the whole text does not.
//!
//! Scoring is BM25 of the phrase's count within the section, over the
//! section's length (the norm of its stemmed field, which holds the same
//! words), with the idf of the whole text's terms.
//!
//! Speed, against the sections' own exact fields (format 8), at 100,000
//! generated decisions, full answers: phrases of common words are looked
//! up by the whole text's common pairs, so `reasons:"the council"` went
//! 31 → 8.9 ms and `reasons:"time and trouble"` 0.87 → 0.39 ms; a quoted
//! single word reads its positions in every decision holding it,
//! `reasons:"fault"` 1.3 → 5.6 ms. (Unquoted, `reasons:fault` searches the
//! section's stemmed field, as before.) Requiring the words' stems in the
//! section's stemmed field before reading positions made most of these
//! slower and was dropped.

use super::phrase::{Counter, PhraseKind, phrase_query};
use super::positions::Cursor;
use super::sloppy::{self, Slop};
use crate::decision::Spanned;
use crate::schema::{Fields, span_of};
use std::ops::Range;
use tantivy::columnar::Column;
use tantivy::schema::Field;
use tantivy::{DocId, SegmentReader, Term};

/// A phrase of the whole text's exact field (terms with their places in
/// the phrase), matched within the spans of one section.
#[derive(Debug, Clone)]
pub struct SpanPhrase {
    terms: Vec<(Place, Term)>,
    slop: u32,
    section: Spanned,
    /// The section's stemmed field: its norms are the section's lengths.
    norms: Field,
    /// The name of the `section_span` fast field.
    spans: String,
}

/// Where a term lies in the phrase (as a sloppy phrase's terms do: its
/// index, offset and word), and the words it covers from its position (a
/// common pair: 2).
#[derive(Debug, Clone, Copy)]
pub struct Place {
    at: sloppy::Place,
    words: u32,
}

impl SpanPhrase {
    /// `terms` as `(offset, text)` in `fields.text.exact`, a term holding a
    /// space being a common pair of two words.
    pub fn new(
        fields: &Fields,
        terms: &[(usize, String)],
        slop: u32,
        section: Spanned,
        norms: Field,
    ) -> SpanPhrase {
        SpanPhrase {
            terms: sloppy::places(terms)
                .into_iter()
                .zip(terms)
                .map(|(at, (_, text))| {
                    let place = Place {
                        at,
                        words: if text.contains(' ') { 2 } else { 1 },
                    };
                    (place, Term::from_field_text(fields.text.exact, text))
                })
                .collect(),
            slop,
            section,
            norms,
            spans: fields
                .schema
                .get_field_name(fields.section_span)
                .to_string(),
        }
    }
}

impl PhraseKind for SpanPhrase {
    type Place = Place;
    type Counter = WithinSpans;

    fn terms(&self) -> &[(Place, Term)] {
        &self.terms
    }

    fn lengths(&self) -> Option<Field> {
        (!self.terms.is_empty()).then_some(self.norms)
    }

    fn counter(&self, reader: &SegmentReader) -> tantivy::Result<WithinSpans> {
        Ok(WithinSpans {
            spans: reader.fast_fields().u64(&self.spans)?,
            section: self.section,
            sloppy: (self.slop > 0).then(|| {
                let places: Vec<sloppy::Place> = self.terms.iter().map(|(p, _)| p.at).collect();
                Slop::new(self.slop, &places)
            }),
            ranges: Vec::new(),
            left: Vec::new(),
            right: Vec::new(),
        })
    }
}

phrase_query!(SpanPhrase);

/// A phrase's count within the spans of one section.
pub struct WithinSpans {
    spans: Column<u64>,
    section: Spanned,
    /// A sloppy phrase's counting (`None`: an exact phrase).
    sloppy: Option<Slop>,
    /// The section's spans in the current document, sorted.
    ranges: Vec<Range<u32>>,
    left: Vec<u32>,
    right: Vec<u32>,
}

impl Counter<Place> for WithinSpans {
    fn count(&mut self, terms: &mut [(Cursor, Place)], doc: DocId) -> u32 {
        self.ranges.clear();
        let section = self.section;
        self.ranges.extend(
            self.spans
                .values_for_doc(doc)
                .map(span_of)
                .filter(|(s, _)| *s == section)
                .map(|(_, r)| r),
        );
        if self.ranges.is_empty() {
            return 0;
        }
        self.ranges.sort_by_key(|r| r.start);
        if let Some(sloppy) = &mut self.sloppy {
            // A sloppy phrase: the whole text's rule over the positions
            // within the section.
            for (cursor, place) in terms.iter_mut() {
                if let Some(positions) = sloppy.buffer(place.at) {
                    cursor.positions(0, positions);
                    keep_within(positions, place.words, 0, &self.ranges);
                }
            }
            return sloppy.count();
        }
        // An exact phrase: the first term's starts, kept where each other
        // term's agree.
        let Some(lead) = (0..terms.len()).min_by_key(|&i| terms[i].1.at.offset) else {
            return 0;
        };
        let (cursor, place) = &mut terms[lead];
        starts(cursor, *place, &self.ranges, &mut self.left);
        for (i, (cursor, place)) in terms.iter_mut().enumerate() {
            if i == lead {
                continue;
            }
            if self.left.is_empty() {
                return 0;
            }
            starts(cursor, *place, &self.ranges, &mut self.right);
            let right = &self.right;
            let mut j = 0;
            self.left.retain(|&p| {
                while j < right.len() && right[j] < p {
                    j += 1;
                }
                right.get(j) == Some(&p)
            });
        }
        self.left.len() as u32
    }
}

/// The phrase starts a term's positions imply (position less offset), of
/// the positions whose words all lie within one of `ranges`, ascending.
fn starts(cursor: &mut Cursor, place: Place, ranges: &[Range<u32>], out: &mut Vec<u32>) {
    cursor.positions(0, out);
    keep_within(out, place.words, place.at.offset, ranges);
}

/// Keeps the positions (ascending) whose `words` words all lie within one
/// of `ranges` (sorted), less `shift` (and those below it dropped), in one
/// pass.
fn keep_within(positions: &mut Vec<u32>, words: u32, shift: u32, ranges: &[Range<u32>]) {
    let mut range = 0;
    positions.retain_mut(|position| {
        while range < ranges.len() && ranges[range].end <= *position {
            range += 1;
        }
        let kept = ranges
            .get(range)
            .is_some_and(|r| r.start <= *position && position.saturating_add(words) <= r.end)
            && *position >= shift;
        *position = position.wrapping_sub(shift);
        kept
    });
}
