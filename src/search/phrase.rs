//! [`Phrase`]: an exact phrase of one field with positions, matching and
//! scoring as tantivy's `PhraseQuery` does (BM25 of the phrase's count in a
//! document, over the field's length, with the idf of all its terms), but
//! reading positions through [`super::positions`], which is cheaper per
//! document for phrases found in most decisions.
//!
//! In a document holding every term, the term with the fewest positions
//! there leads: its positions (less its offset in the phrase) are the
//! candidate starts, and each other term, rarest first, keeps the starts it
//! agrees with, until none is left or every term has agreed.
//!
//! Sloppy phrases stay tantivy's (the compiler builds them), as their
//! matching allows reordered words in ways this one does not.

use super::positions::{Aligned, Cursor};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::{
    Bm25StatisticsProvider, Bm25Weight, EmptyScorer, EmptyWeight, EnableScoring, Explanation,
    Query, Scorer, Weight,
};
use tantivy::schema::Field;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// An exact phrase: its terms (words, or a field's common pairs) with their
/// offsets in it, all of one field indexed with positions.
#[derive(Debug, Clone)]
pub struct Phrase {
    terms: Vec<(usize, Term)>,
}

impl Phrase {
    pub fn new(terms: Vec<(usize, Term)>) -> Phrase {
        Phrase { terms }
    }
}

impl Query for Phrase {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        if self.terms.is_empty() {
            return Ok(Box::new(EmptyWeight));
        }
        let terms: Vec<Term> = self.terms.iter().map(|(_, t)| t.clone()).collect();
        Ok(Box::new(PhraseWeight {
            phrase: self.clone(),
            bm25: bm25(&scoring, &terms, None)?,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (_, term) in &self.terms {
            visitor(term, true);
        }
    }
}

/// The BM25 weight of a phrase of `terms`, as tantivy's phrase query
/// computes it (the idf of all its terms), or `None` with scoring off.
/// With `lengths`, documents' lengths are that field's (its average for
/// the normalisation) rather than the terms' field's.
pub fn bm25(
    scoring: &EnableScoring<'_>,
    terms: &[Term],
    lengths: Option<Field>,
) -> tantivy::Result<Option<Bm25Weight>> {
    let EnableScoring::Enabled {
        statistics_provider,
        ..
    } = scoring
    else {
        return Ok(None);
    };
    let weight = match lengths {
        Some(field) => {
            let statistics = LengthsOf {
                inner: *statistics_provider,
                field,
            };
            Bm25Weight::for_terms(&statistics, terms)?
        }
        None => Bm25Weight::for_terms(*statistics_provider, terms)?,
    };
    Ok(Some(weight))
}

/// Term statistics, with the average length of another field.
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

struct PhraseWeight {
    phrase: Phrase,
    bm25: Option<Bm25Weight>,
}

impl PhraseWeight {
    fn phrase_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<PhraseScorer<u32, Exact>>> {
        // Offsets become shifts that bring every term's positions to the
        // phrase's last word's place, so no position goes below 0.
        let last = self.phrase.terms.iter().map(|(o, _)| *o).max().unwrap_or(0);
        let mut terms = Vec::with_capacity(self.phrase.terms.len());
        for (offset, term) in &self.phrase.terms {
            let shift = u32::try_from(last - offset).unwrap_or(u32::MAX);
            terms.push((shift, term.clone()));
        }
        let Some(aligned) = Aligned::open(reader, &terms)? else {
            return Ok(None);
        };
        let norms = match &self.bm25 {
            Some(_) => reader.get_fieldnorms_reader(terms[0].1.field())?,
            None => FieldNormReader::constant(reader.max_doc(), 1),
        };
        let bm25 = self.bm25.as_ref().map(|w| w.boost_by(boost));
        Ok(Some(PhraseScorer::new(
            aligned,
            Exact::default(),
            bm25,
            norms,
        )))
    }
}

impl Weight for PhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.phrase_scorer(reader, boost)? {
            Some(s) => Box::new(s),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain(self.scorer(reader, 1.0)?, doc, "BM25 of the phrase")
    }
}

/// Explains `doc`'s score by `scorer` as a whole: `label`.
pub fn explain(
    mut scorer: Box<dyn Scorer>,
    doc: DocId,
    label: &'static str,
) -> tantivy::Result<Explanation> {
    if scorer.seek(doc) != doc {
        return Err(tantivy::TantivyError::InvalidArgument(format!(
            "document {doc} does not match"
        )));
    }
    Ok(Explanation::new(label, scorer.score()))
}

/// How a phrase scorer counts the phrase in a document holding all its
/// terms (`T`: what it knows of each term's place in the phrase).
pub trait Counter<T>: Send + 'static {
    /// The phrase's occurrences in `doc`, where every cursor of `terms` is.
    fn count(&mut self, terms: &mut [(Cursor, T)], doc: DocId) -> u32;
}

/// Documents where a phrase occurs, scored by BM25 of its count there.
pub struct PhraseScorer<T, C> {
    aligned: Aligned<T>,
    counter: C,
    bm25: Option<Bm25Weight>,
    norms: FieldNormReader,
    doc: DocId,
    /// Occurrences of the phrase in `doc`.
    count: u32,
}

impl<T: Copy + Send + 'static, C: Counter<T>> PhraseScorer<T, C> {
    /// On the first document where `counter` finds the phrase. Without
    /// `bm25` (scoring off) every match scores 1.
    pub fn new(
        aligned: Aligned<T>,
        counter: C,
        bm25: Option<Bm25Weight>,
        norms: FieldNormReader,
    ) -> PhraseScorer<T, C> {
        let mut scorer = PhraseScorer {
            aligned,
            counter,
            bm25,
            norms,
            doc: 0,
            count: 0,
        };
        scorer.settle();
        scorer
    }

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
        self.doc = doc;
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
        // The term with the fewest positions here leads; the others follow
        // rarest first.
        let Some(lead) = (0..terms.len()).min_by_key(|&i| terms[i].0.term_freq()) else {
            return 0;
        };
        let (cursor, shift) = &mut terms[lead];
        cursor.positions(*shift, &mut self.left);
        for (i, (cursor, shift)) in terms.iter_mut().enumerate() {
            if i == lead {
                continue;
            }
            cursor.positions(*shift, &mut self.right);
            keep_common(&mut self.left, &self.right);
            if self.left.is_empty() {
                return 0;
            }
        }
        self.left.len() as u32
    }
}

/// Keeps the values of `left` that are also in `right` (both ascending).
fn keep_common(left: &mut Vec<u32>, right: &[u32]) {
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

impl<T: Copy + Send + 'static, C: Counter<T>> DocSet for PhraseScorer<T, C> {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.aligned.seek(self.doc + 1);
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target <= self.doc {
            return self.doc;
        }
        self.aligned.seek(target);
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.aligned.size_hint()
    }
}

impl<T: Copy + Send + 'static, C: Counter<T>> Scorer for PhraseScorer<T, C> {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(bm25) => bm25.score(self.norms.fieldnorm_id(self.doc), self.count),
            None => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::positions::WALK_RATIO;
    use tantivy::collector::TopDocs;
    use tantivy::query::PhraseQuery;
    use tantivy::schema::{Field, Schema, TEXT};
    use tantivy::{DocAddress, Index, IndexWriter, Searcher, doc};

    #[test]
    fn keep_common_keeps_what_both_hold() {
        let mut left = vec![1, 3, 5, 7, 9];
        keep_common(&mut left, &[0, 3, 4, 9, 10]);
        assert_eq!(left, [3, 9]);
        keep_common(&mut left, &[]);
        assert!(left.is_empty());
    }

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
