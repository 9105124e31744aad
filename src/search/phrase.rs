//! [`Phrase`]: an exact phrase of one field with positions, matching and
//! scoring as tantivy's `PhraseQuery` does (BM25 of the phrase's count in a
//! document, over the field's length, with the idf of all its terms), but
//! reading positions through [`super::positions`], which is cheaper per
//! document for phrases found in most decisions.
//!
//! In a document holding every term, the term with the fewest positions
//! there leads (the rarest term when it occurs there once, without reading
//! the others' counts): its positions (less its offset in the phrase) are
//! the candidate starts, and each other term, rarest first, keeps the starts it
//! agrees with, until none is left or every term has agreed.
//!
//! Sloppy phrases are [`super::sloppy`]'s, as their words may stand apart
//! or out of order.
//!
//! The weight and scorer serve every kind of phrase ([`PhraseKind`]): this
//! exact one, a sloppy one ([`super::sloppy`]), and a phrase within a
//! section's spans ([`super::span`]), which
//! differ only in where their terms lie, how they count themselves in a
//! document, and whose lengths normalise their scores.

use super::positions::{Aligned, Cursor};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::{
    Bm25StatisticsProvider, Bm25Weight, EmptyScorer, EmptyWeight, EnableScoring, Explanation,
    Scorer, Weight,
};
use tantivy::schema::Field;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// An exact phrase: its terms (words, or a field's common pairs), all of
/// one field indexed with positions, each with the shift that brings its
/// positions to the phrase's last word's (so that none goes below 0).
#[derive(Debug, Clone)]
pub struct Phrase {
    terms: Vec<(u32, Term)>,
}

impl Phrase {
    /// The phrase of `terms` at their offsets in it.
    pub fn new(terms: Vec<(usize, Term)>) -> Phrase {
        let last = terms.iter().map(|(offset, _)| *offset).max().unwrap_or(0);
        Phrase {
            terms: terms
                .into_iter()
                .map(|(offset, term)| (u32::try_from(last - offset).unwrap_or(u32::MAX), term))
                .collect(),
        }
    }
}

impl PhraseKind for Phrase {
    type Place = u32;
    type Counter = Exact;

    fn terms(&self) -> &[(u32, Term)] {
        &self.terms
    }

    fn counter(&self, _reader: &SegmentReader) -> tantivy::Result<Exact> {
        Ok(Exact::default())
    }
}

/// Implements tantivy's `Query` for a [`PhraseKind`]: its weight is a
/// [`PhraseWeight`], its terms are the kind's.
macro_rules! phrase_query {
    ($kind:ty) => {
        impl tantivy::query::Query for $kind {
            fn weight(
                &self,
                scoring: tantivy::query::EnableScoring<'_>,
            ) -> tantivy::Result<Box<dyn tantivy::query::Weight>> {
                $crate::search::phrase::PhraseWeight::boxed(self, &scoring)
            }

            fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
                for (_, term) in $crate::search::phrase::PhraseKind::terms(self) {
                    visitor(term, true);
                }
            }
        }
    };
}
pub(super) use phrase_query;

phrase_query!(Phrase);

/// A kind of phrase query: where its terms lie in it, how it counts itself
/// in a document, and whose lengths normalise its score. [`PhraseWeight`]
/// and [`PhraseScorer`] serve every kind.
pub trait PhraseKind: Clone + Send + Sync + 'static {
    /// What the counter knows of a term's place in the phrase.
    type Place: Copy + Send + 'static;
    type Counter: Counter<Self::Place>;
    /// The terms, each with its place.
    fn terms(&self) -> &[(Self::Place, Term)];
    /// The field whose norms are a document's length for the phrase
    /// (`None` without terms): by default the terms' own.
    fn lengths(&self) -> Option<Field> {
        self.terms().first().map(|(_, term)| term.field())
    }
    /// A counter for one segment.
    fn counter(&self, reader: &SegmentReader) -> tantivy::Result<Self::Counter>;
}

/// The weight of a phrase of any kind: BM25 as tantivy's phrase query
/// computes it (the idf of all its terms), over the lengths of
/// [`PhraseKind::lengths`], or none with scoring off.
pub struct PhraseWeight<K> {
    kind: K,
    bm25: Option<Bm25Weight>,
}

impl<K: PhraseKind> PhraseWeight<K> {
    pub fn boxed(kind: &K, scoring: &EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let Some(field) = kind.lengths() else {
            return Ok(Box::new(EmptyWeight));
        };
        let bm25 = match scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => {
                let terms: Vec<Term> = kind.terms().iter().map(|(_, t)| t.clone()).collect();
                let statistics = LengthsOf {
                    inner: *statistics_provider,
                    field,
                };
                Some(Bm25Weight::for_terms(&statistics, &terms)?)
            }
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(PhraseWeight {
            kind: kind.clone(),
            bm25,
        }))
    }

    fn phrase_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<PhraseScorer<K::Place, K::Counter>>> {
        let Some(aligned) = Aligned::open(reader, self.kind.terms())? else {
            return Ok(None);
        };
        let norms = match (&self.bm25, self.kind.lengths()) {
            (Some(_), Some(field)) => reader.get_fieldnorms_reader(field)?,
            _ => FieldNormReader::constant(reader.max_doc(), 1),
        };
        let mut scorer = PhraseScorer {
            aligned,
            counter: self.kind.counter(reader)?,
            bm25: self.bm25.as_ref().map(|w| w.boost_by(boost)),
            norms,
            count: 0,
        };
        scorer.settle();
        Ok(Some(scorer))
    }
}

/// Term statistics, with the average length of the field `field`.
struct LengthsOf<'a> {
    inner: &'a dyn Bm25StatisticsProvider,
    field: Field,
}

impl Bm25StatisticsProvider for LengthsOf<'_> {
    fn total_num_tokens(&self, _field: Field) -> tantivy::Result<u64> {
        self.inner.total_num_tokens(self.field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.inner.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.inner.doc_freq(term)
    }
}

impl<K: PhraseKind> Weight for PhraseWeight<K> {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.phrase_scorer(reader, boost)? {
            Some(s) => Box::new(s),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new("BM25 of the phrase", scorer.score()))
    }
}

/// How a phrase scorer counts the phrase in a document holding all its
/// terms (`T`: what it knows of each term's place in the phrase).
pub trait Counter<T>: Send + 'static {
    /// The phrase's occurrences in `doc`, where every cursor of `terms` is.
    fn count(&mut self, terms: &mut [(Cursor, T)], doc: DocId) -> u32;
}

/// Documents where a phrase occurs (those of its aligned terms where its
/// counter finds it), scored by BM25 of its count there.
pub struct PhraseScorer<T, C> {
    aligned: Aligned<T>,
    counter: C,
    bm25: Option<Bm25Weight>,
    norms: FieldNormReader,
    /// Occurrences of the phrase in the current document.
    count: u32,
}

impl<T: Copy + Send + 'static, C: Counter<T>> PhraseScorer<T, C> {
    /// From the aligned document on, the first where the phrase occurs.
    fn settle(&mut self) -> DocId {
        let mut doc = self.aligned.doc();
        while doc != TERMINATED {
            self.count = self.counter.count(&mut self.aligned.terms, doc);
            if self.count > 0 {
                break;
            }
            doc = self.aligned.seek(doc + 1);
        }
        doc
    }
}

/// An exact phrase's count: each term given with the shift that brings its
/// positions to the phrase's last word.
#[derive(Default)]
pub struct Exact {
    left: Vec<u32>,
    right: Vec<u32>,
}

impl Counter<u32> for Exact {
    fn count(&mut self, terms: &mut [(Cursor, u32)], _doc: DocId) -> u32 {
        // The term with the fewest positions here leads (the rarest term
        // when it occurs once: none has fewer); the others follow rarest
        // first.
        let Some((rarest, _)) = terms.first() else {
            return 0;
        };
        let lead = if rarest.term_freq() == 1 {
            0
        } else {
            (0..terms.len())
                .min_by_key(|&i| terms[i].0.term_freq())
                .unwrap_or(0)
        };
        let (cursor, shift) = &mut terms[lead];
        cursor.positions(*shift, &mut self.left);
        for (i, (cursor, shift)) in terms.iter_mut().enumerate() {
            if i == lead {
                continue;
            }
            cursor.keep_common(*shift, &mut self.left, &mut self.right);
            if self.left.is_empty() {
                return 0;
            }
        }
        self.left.len() as u32
    }
}

impl<T: Copy + Send + 'static, C: Counter<T>> DocSet for PhraseScorer<T, C> {
    fn advance(&mut self) -> DocId {
        let doc = self.doc();
        if doc == TERMINATED {
            return TERMINATED;
        }
        self.aligned.seek(doc + 1);
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target <= self.doc() {
            return self.doc();
        }
        self.aligned.seek(target);
        self.settle()
    }

    /// The aligned document: the scorer only ever rests where the phrase
    /// occurs (or at the end).
    fn doc(&self) -> DocId {
        self.aligned.doc()
    }

    fn size_hint(&self) -> u32 {
        self.aligned.size_hint()
    }
}

impl<T: Copy + Send + 'static, C: Counter<T>> Scorer for PhraseScorer<T, C> {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(bm25) => bm25.score(self.norms.fieldnorm_id(self.doc()), self.count),
            None => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::positions::WALK_RATIO;
    use tantivy::collector::TopDocs;
    use tantivy::query::{PhraseQuery, Query};
    use tantivy::schema::{Field, Schema, TEXT};
    use tantivy::{DocAddress, Index, IndexWriter, Searcher, doc};

    /// 1,500 texts over a small vocabulary of very unequal frequencies (so
    /// that phrases repeat within texts), in 3 segments.
    fn corpus() -> tantivy::Result<(Index, Field, Vec<Vec<&'static str>>)> {
        const WORDS: [&str; 8] = ["a", "b", "c", "d", "e", "f", "g", "rare"];
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
        let mut state = 7u64;
        let mut texts = Vec::new();
        for i in 0..1500 {
            let mut text = Vec::new();
            for _ in 0..(20 + i % 40) {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let r = (state >> 33) % 1000;
                // Zipf-like: `a` most, `rare` in about 1 text of 200.
                let w = match r {
                    0..400 => 0,
                    400..650 => 1,
                    650..800 => 2,
                    800..900 => 3,
                    900..960 => 4,
                    960..990 => 5,
                    990..999 => 6,
                    _ => 7,
                };
                text.push(WORDS[w]);
            }
            // A word in one text of each segment: fewer documents than a
            // common word's blocks, so its phrases skip.
            if i % 500 == 250 {
                text[5] = "once";
            }
            writer.add_document(doc!(body => text.join(" ")))?;
            texts.push(text);
            if i % 500 == 499 {
                writer.commit()?;
            }
        }
        Ok((index, body, texts))
    }

    fn hits(searcher: &Searcher, query: &dyn Query) -> tantivy::Result<Vec<(DocAddress, Score)>> {
        let mut hits: Vec<(DocAddress, Score)> = searcher
            .search(query, &TopDocs::with_limit(2000).order_by_score())?
            .into_iter()
            .map(|(score, address)| (address, score))
            .collect();
        hits.sort_by_key(|(address, _)| *address);
        Ok(hits)
    }

    /// Every phrase of 2 to 4 words taken from the texts, and some found
    /// nowhere, match the same documents with the same scores as tantivy's
    /// `PhraseQuery`, on cursors that walk and cursors that skip.
    #[test]
    fn phrases_match_and_score_as_tantivys() -> tantivy::Result<()> {
        let (index, body, texts) = corpus()?;
        let searcher = index.reader()?.searcher();
        let mut phrases: Vec<Vec<&str>> = Vec::new();
        for (i, text) in texts.iter().enumerate().step_by(37) {
            let len = 2 + i % 3;
            let from = i % (text.len() - len);
            phrases.push(text[from..from + len].to_vec());
        }
        for text in texts.iter().skip(250).step_by(500) {
            phrases.push(text[4..7].to_vec());
            phrases.push(text[5..8].to_vec());
        }
        phrases.push(vec!["once", "a"]);
        phrases.push(vec!["a", "once"]);
        phrases.push(vec!["rare", "a"]);
        phrases.push(vec!["a", "rare", "a"]);
        phrases.push(vec!["rare", "rare", "rare"]);
        phrases.push(vec!["g", "g", "g", "g"]);
        let (mut walked, mut skipped) = (0, 0);
        for phrase in &phrases {
            let terms: Vec<(usize, Term)> = phrase
                .iter()
                .enumerate()
                .map(|(i, w)| (i, Term::from_field_text(body, w)))
                .collect();
            let query = Phrase::new(terms.clone());
            let ours = hits(&searcher, &query)?;
            let theirs = hits(&searcher, &PhraseQuery::new_with_offset(terms.clone()))?;
            assert_eq!(ours, theirs, "{phrase:?}");
            if let Some((address, score)) = ours.first() {
                assert_eq!(query.explain(&searcher, *address)?.value(), *score);
            }
            // Which cursors ran, segment by segment.
            let shifted: Vec<(u32, Term)> = terms.into_iter().map(|(_, t)| (0, t)).collect();
            for reader in searcher.segment_readers() {
                if let Some(aligned) = Aligned::open(reader, &shifted)? {
                    match aligned.terms[0].0 {
                        Cursor::Walk(_) => walked += 1,
                        Cursor::Skip(_) => skipped += 1,
                    }
                }
            }
        }
        assert!(
            walked > 0 && skipped > 0,
            "walked {walked}, skipped {skipped} (ratio {WALK_RATIO})"
        );
        Ok(())
    }
}
