//! Query tree + filters → one tantivy [`Query`], plus the [`Pattern`]s the
//! highlighter looks for.
//!
//! - An unquoted word matches its stem in the stemmed twin of each section.
//! - A quoted phrase matches exactly (modulo case and apostrophes) in the
//!   exact fields, with positions; a one-word phrase is an exact term.
//! - A word that the tokenizer splits (`low-priority`, `24A(6)`) is a phrase.
//! - A phrase naming `complaint` or `reasons`, which have no exact fields,
//!   is the whole text's phrase within the section (see [`super::span`]).
//! - Without a field, text is searched in the whole decision, and again in
//!   the summary and the final decision with a boost: BM25 scores add, so a
//!   decision whose summary says it ranks above one that only mentions it.
//! - Metadata fields (`council:`, `outcome:` …) and the request's filters are
//!   resolved against the index's own values (see [`super::filter`]) and
//!   never change a score.

use super::SearchError;
use super::filter::{self, CategoryMatch, Vocabularies, Vocabulary};
use super::phrase::Phrase;
use super::sloppy::SloppyPhrase;
use super::snippet::Pattern;
use super::span::SpanPhrase;
use super::syntax::Node;
use crate::decision::Spanned;
use crate::schema::{Fields, TextField};
use crate::tokenizer;
use std::ops::Bound;
use std::sync::Arc;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, EnableScoring, Explanation,
    Occur, Query, RangeQuery, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DateTime, DocId, Score, Searcher, SeekDangerResult, SegmentReader, Term};

/// Weight of a match in the summary, added to the whole-text match.
pub const SUMMARY_BOOST: f32 = 2.0;
/// Weight of a match in the final decision, added to the whole-text match.
pub const FINAL_BOOST: f32 = 1.5;

/// Field names a query may use, for error messages.
pub const QUERY_FIELDS: &str =
    "text, summary, complaint, reasons, final, council, outcome, category, cites, ref, year";

/// Compiles queries against one searcher.
pub struct Compiler<'a> {
    pub fields: &'a Fields,
    pub searcher: &'a Searcher,
    /// The filterable values of this snapshot, cached by the engine.
    vocabularies: &'a Vocabularies,
    exact: TextAnalyzer,
    stemmed: TextAnalyzer,
    /// Highlight patterns gathered from the positive parts of the query.
    pub patterns: Vec<Pattern>,
    /// Remarks for the user (a filter that matches nothing, say).
    pub notes: Vec<String>,
    /// The share of the decisions that the request's filters let through,
    /// as far as the index's statistics tell, taken as independent (see
    /// [`Compiler::expected`]).
    filter_share: f64,
    /// The smallest share of the decisions one of the request's filters
    /// lets through.
    least_share: f64,
    /// The last `council:` or `outcome:` value resolved in the query (its
    /// field's name and values), for [`Compiler::note_exclusive`].
    one_valued: Option<(&'static str, Vec<String>)>,
}

/// The values a metadata filter resolved to, all in one field: it matches
/// the decisions holding any of them.
pub struct Resolved {
    field: Field,
    values: Vec<String>,
}

type Q = Box<dyn Query>;

/// How a filter's value is resolved to index terms ([`Compiler::council`],
/// [`Compiler::outcome`], [`Compiler::category`], [`Compiler::cites`]).
pub type Resolver<'a> = fn(&mut Compiler<'a>, &str) -> Result<Resolved, SearchError>;

/// See [`Compiler::word_terms`].
enum WordTerms {
    Stem(String),
    Split(Vec<String>),
}

/// The terms, with their offsets, by which the phrase `tokens` is looked up
/// in an exact field: an exact phrase by its common pairs where the field
/// holds them ([`tokenizer::phrase_terms`]), a sloppy one by its words.
fn lookup_terms(tokens: &[String], slop: u32, pairs: bool) -> Vec<(usize, String)> {
    if slop == 0 && pairs {
        tokenizer::phrase_terms(tokens)
    } else {
        tokens.iter().cloned().enumerate().collect()
    }
}

fn term_query(field: Field, text: &str, record: IndexRecordOption) -> Q {
    Box::new(TermQuery::new(Term::from_field_text(field, text), record))
}

/// The phrase of `field` looked up by `words` (terms with their offsets,
/// see [`lookup_terms`]); one term is a term query, an exact phrase a
/// [`Phrase`], a sloppy one a [`SloppyPhrase`].
fn phrase_query(field: Field, words: &[(usize, String)], slop: u32) -> Q {
    if let [(_, only)] = words {
        return term_query(field, only, IndexRecordOption::WithFreqs);
    }
    let terms: Vec<(usize, Term)> = words
        .iter()
        .map(|(i, t)| (*i, Term::from_field_text(field, t)))
        .collect();
    if slop == 0 {
        return Box::new(Phrase::new(terms));
    }
    Box::new(SloppyPhrase::new(terms, slop))
}

fn any_of(queries: Vec<Q>) -> Q {
    match queries.len() {
        0 => Box::new(EmptyQuery),
        1 => queries
            .into_iter()
            .next()
            .unwrap_or_else(|| Box::new(EmptyQuery)),
        _ => Box::new(BooleanQuery::union(queries)),
    }
}

/// A filter: matches what `q` matches, adds nothing to the score.
pub fn filter(q: Q) -> Q {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

/// The share of the decisions dated `first` to `last` (seconds since 1970,
/// each the start of a day) that the days `from` to `to` cover, were the
/// decisions spread evenly over their days.
fn date_share(first: i64, last: i64, from: i64, to: i64) -> f64 {
    const DAY: i64 = 86_400;
    let span = last.saturating_add(DAY).saturating_sub(first);
    let covered = to
        .min(last)
        .saturating_add(DAY)
        .saturating_sub(from.max(first))
        .max(0);
    if span <= 0 {
        return 1.0;
    }
    (covered as f64 / span as f64).clamp(0.0, 1.0)
}

impl<'a> Compiler<'a> {
    pub fn new(
        fields: &'a Fields,
        searcher: &'a Searcher,
        vocabularies: &'a Vocabularies,
    ) -> Compiler<'a> {
        Compiler {
            fields,
            searcher,
            vocabularies,
            exact: tokenizer::exact(),
            stemmed: tokenizer::stemmed(),
            patterns: Vec::new(),
            notes: Vec::new(),
            filter_share: 1.0,
            least_share: 1.0,
            one_valued: None,
        }
    }

    /// Compiles `node`. `None` means the node holds nothing searchable
    /// (a word of punctuation only) and is left out.
    pub fn compile(&mut self, node: &Node) -> Result<Option<Q>, SearchError> {
        self.node(node, true)
    }

    fn node(&mut self, node: &Node, positive: bool) -> Result<Option<Q>, SearchError> {
        Ok(match node {
            Node::All => Some(Box::new(AllQuery)),
            Node::Word { field, text } => self.word(field.as_deref(), text, positive)?,
            Node::Phrase { field, text, slop } => {
                self.phrase(field.as_deref(), text, *slop, positive)?
            }
            Node::CaseRef(r) => Some(self.case_ref(r, positive)),
            Node::And(items) => {
                let mut clauses = Vec::new();
                // The council and outcome values its items require.
                let mut one_valued = Vec::new();
                for item in items {
                    match item {
                        Node::Not(inner) => {
                            if let Some(q) = self.node(inner, !positive)? {
                                clauses.push((Occur::MustNot, q));
                            }
                        }
                        other => {
                            self.one_valued = None;
                            if let Some(q) = self.node(other, positive)? {
                                clauses.push((Occur::Must, q));
                            }
                            if let (Some(resolved), Some(text)) =
                                (self.one_valued.take(), field_value(other))
                            {
                                one_valued.push((resolved, text));
                            }
                        }
                    }
                }
                if positive {
                    self.note_exclusive(&one_valued);
                }
                if clauses.is_empty() {
                    None
                } else {
                    if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                        clauses.push((Occur::Must, Box::new(AllQuery)));
                    }
                    Some(Box::new(BooleanQuery::new(clauses)))
                }
            }
            Node::Or(items) => {
                let mut qs = Vec::new();
                for item in items {
                    qs.extend(self.node(item, positive)?);
                }
                if qs.is_empty() {
                    None
                } else {
                    Some(any_of(qs))
                }
            }
            Node::Not(inner) => self.node(inner, !positive)?.map(|q| {
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, Box::new(AllQuery) as Q),
                    (Occur::MustNot, q),
                ])) as Q
            }),
        })
    }

    /// Roughly how many documents `node` makes the search visit, from the
    /// document frequencies of its words in the whole text: a word's, a
    /// phrase's rarest term's, an `AND`'s rarest part's, the sum of an
    /// `OR`'s parts. Metadata fields count as small (they only narrow a
    /// search). With the request's filters ([`Compiler::expected`]) it
    /// decides whether a query is worth spreading over several cores.
    pub fn estimate(&mut self, node: &Node) -> u64 {
        let all = self.searcher.num_docs();
        match node {
            Node::All | Node::Not(_) => all,
            Node::CaseRef(_) => 0,
            Node::Word { field, text } | Node::Phrase { field, text, .. } => {
                if self.sections(field.as_deref()).is_none() {
                    return 0;
                }
                // The whole-text terms the node is compiled to.
                let text_field = self.fields.text;
                let (field, terms) = match node {
                    Node::Phrase { slop, .. } => {
                        let tokens = Self::tokens(&mut self.exact, text);
                        (
                            text_field.exact,
                            lookup_terms(&tokens, *slop, text_field.pairs),
                        )
                    }
                    _ => match self.word_terms(text) {
                        WordTerms::Stem(stem) => (text_field.stemmed, vec![(0, stem)]),
                        WordTerms::Split(tokens) => {
                            (text_field.exact, lookup_terms(&tokens, 0, text_field.pairs))
                        }
                    },
                };
                terms
                    .iter()
                    .map(|(_, t)| {
                        self.searcher
                            .doc_freq(&Term::from_field_text(field, t))
                            .unwrap_or(all)
                    })
                    .min()
                    .unwrap_or(0)
            }
            Node::And(items) => items
                .iter()
                .filter(|i| !matches!(i, Node::Not(_)))
                .map(|i| self.estimate(i))
                .min()
                .unwrap_or(all),
            Node::Or(items) => items.iter().map(|i| self.estimate(i)).sum(),
        }
    }

    /// For a query of unquoted words joined by `OR` (`complaint`, `noise OR
    /// odour`), the ranking [`Compiler::compile`] gives, as one flat union of
    /// term queries: tantivy ranks such a union with block-max WAND, skipping
    /// whole blocks of documents that cannot reach the top k. The union
    /// matches what the compiled query matches, because the whole text holds
    /// every section. `None` for any other query (phrases, `AND`, `NOT`,
    /// metadata fields), which must be scored document by document anyway.
    pub fn ranking_union(&mut self, node: &Node) -> Option<Q> {
        let mut terms = Vec::new();
        self.union_terms(node, &mut terms)?;
        Some(any_of(terms))
    }

    fn union_terms(&mut self, node: &Node, out: &mut Vec<Q>) -> Option<()> {
        match node {
            Node::Word { field, text } => {
                let sections = self.sections(field.as_deref())?;
                if field.is_none() && filter::named_provision(text).is_some() {
                    return None; // also matches by citation
                }
                let WordTerms::Stem(stem) = self.word_terms(text) else {
                    return None;
                };
                out.extend(Self::stem_queries(&sections, &stem));
                Some(())
            }
            Node::Or(items) => items.iter().try_for_each(|i| self.union_terms(i, out)),
            _ => None,
        }
    }

    /// How the unquoted word `text` is searched: by its stem, or, when the
    /// tokenizer splits it (`low-priority`) or finds nothing in it, as the
    /// phrase of its pieces.
    fn word_terms(&mut self, text: &str) -> WordTerms {
        let exact = Self::tokens(&mut self.exact, text);
        if exact.len() != 1 {
            return WordTerms::Split(exact);
        }
        match Self::tokens(&mut self.stemmed, text).into_iter().next() {
            Some(stem) => WordTerms::Stem(stem),
            None => WordTerms::Split(Vec::new()),
        }
    }

    /// The stem searched in the stemmed field of each section, boosted.
    fn stem_queries(sections: &[(TextField, f32)], stem: &str) -> Vec<Q> {
        sections
            .iter()
            .map(|(f, b)| {
                Self::boosted(
                    term_query(f.stemmed, stem, IndexRecordOption::WithFreqs),
                    *b,
                )
            })
            .collect()
    }

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        tokenizer::words(analyzer, text)
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    /// The sections a field name searches, with their boosts.
    fn sections(&self, field: Option<&str>) -> Option<Vec<(TextField, f32)>> {
        match field {
            // The whole text first: see `across_sections`.
            None => Some(vec![
                (self.fields.text, 1.0),
                (self.fields.summary, SUMMARY_BOOST),
                (self.fields.final_decision, FINAL_BOOST),
            ]),
            Some(name) => self.fields.section(name).map(|f| vec![(f, 1.0)]),
        }
    }

    /// `queries` (one per section, the whole text first) as one query. The
    /// whole text holds every section, so it alone decides what matches;
    /// the sections only add to the score of a match. Each section is an
    /// optional clause of what comes before it (`((text, summary?),
    /// final?)`), not a union of optional clauses: then a section is only
    /// looked at in documents that already match, by skipping through its
    /// postings, whereas a union would scan a window of thousands of
    /// documents every time a filter makes the match jump ahead.
    fn across_sections(queries: Vec<Q>) -> Q {
        let mut queries = queries.into_iter();
        let Some(first) = queries.next() else {
            return Box::new(EmptyQuery);
        };
        let mut queries = queries.peekable();
        if queries.peek().is_none() {
            return first;
        }
        let deciding = first.box_clone();
        let all = queries.fold(first, |acc, q| {
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, acc),
                (Occur::Should, q),
            ]))
        });
        Box::new(Sections { deciding, all })
    }

    /// The section a match must lie in to be highlighted: the one the
    /// query named, if it did.
    fn within(sections: &[(TextField, f32)]) -> Option<Spanned> {
        match sections {
            [(field, _)] => field.place,
            _ => None,
        }
    }

    fn boosted(q: Q, boost: f32) -> Q {
        if boost == 1.0 {
            q
        } else {
            Box::new(BoostQuery::new(q, boost))
        }
    }

    fn word(
        &mut self,
        field: Option<&str>,
        text: &str,
        positive: bool,
    ) -> Result<Option<Q>, SearchError> {
        let Some(sections) = self.sections(field) else {
            return self.metadata(field.unwrap_or_default(), text).map(Some);
        };
        if field.is_none()
            && let Some(provision) = filter::named_provision(text)
        {
            return self.provision(&sections, text, &provision, positive);
        }
        self.text_word(&sections, text, positive)
    }

    /// An unquoted word in the text of `sections`: its stem, or the phrase
    /// of its pieces.
    fn text_word(
        &mut self,
        sections: &[(TextField, f32)],
        text: &str,
        positive: bool,
    ) -> Result<Option<Q>, SearchError> {
        let stem = match self.word_terms(text) {
            WordTerms::Stem(stem) => stem,
            WordTerms::Split(tokens) => return self.phrase_tokens(sections, tokens, 0, positive),
        };
        let qs = Self::stem_queries(sections, &stem);
        if positive {
            self.patterns.push(Pattern::Stem {
                stem,
                within: Self::within(sections),
            });
        }
        Ok(Some(Self::across_sections(qs)))
    }

    /// An unquoted word naming a provision (`s.26(6)`, in the keys' form
    /// `provision`): its words in the text, or a decision citing it, as
    /// `cites:s.26(6)` finds (decisions write `section 26(6)(a)`, so the
    /// words alone rarely match; one no decision cites is noted by
    /// [`Compiler::cites`]). Citing counts as a match of constant score 1.
    fn provision(
        &mut self,
        sections: &[(TextField, f32)],
        text: &str,
        provision: &str,
        positive: bool,
    ) -> Result<Option<Q>, SearchError> {
        let words = self.text_word(sections, text, positive)?;
        let citing = self.cites(text)?;
        if citing.values.is_empty() {
            return Ok(words);
        }
        if positive {
            // Highlighted as decisions write it: `section 26(6)`.
            let number = provision.strip_prefix("s.").unwrap_or(provision);
            let spelled = Self::tokens(&mut self.exact, &format!("section {number}"));
            self.patterns.push(Pattern::Phrase {
                words: spelled,
                slop: 0,
                within: None,
            });
            self.notes.push(format!(
                "{text} also finds the decisions citing it, as cites:{text} does"
            ));
        }
        let citing: Q = Box::new(ConstScoreQuery::new(Self::any_term(&citing), 1.0));
        Ok(Some(any_of(words.into_iter().chain([citing]).collect())))
    }

    fn phrase(
        &mut self,
        field: Option<&str>,
        text: &str,
        slop: u32,
        positive: bool,
    ) -> Result<Option<Q>, SearchError> {
        let Some(sections) = self.sections(field) else {
            return self.metadata(field.unwrap_or_default(), text).map(Some);
        };
        let tokens = Self::tokens(&mut self.exact, text);
        if tokens.is_empty() {
            return Err(SearchError::EmptyQuery(format!(
                "the phrase \"{text}\" has no words to search for"
            )));
        }
        self.phrase_tokens(&sections, tokens, slop, positive)
    }

    fn phrase_tokens(
        &mut self,
        sections: &[(TextField, f32)],
        tokens: Vec<String>,
        slop: u32,
        positive: bool,
    ) -> Result<Option<Q>, SearchError> {
        if tokens.is_empty() {
            return Ok(None);
        }
        let qs = sections
            .iter()
            .map(|(f, b)| {
                let words = lookup_terms(&tokens, slop, f.pairs);
                let q: Q = if let Some(section) = f.span {
                    let within: Q = Box::new(SpanPhrase::new(
                        self.fields,
                        &words,
                        slop,
                        section,
                        f.stemmed,
                    ));
                    within
                } else {
                    phrase_query(f.exact, &words, slop)
                };
                Self::boosted(q, *b)
            })
            .collect();
        if positive {
            self.patterns.push(Pattern::Phrase {
                words: tokens,
                slop,
                within: Self::within(sections),
            });
        }
        Ok(Some(Self::across_sections(qs)))
    }

    fn case_ref(&mut self, normalised: &str, positive: bool) -> Q {
        let spaced = crate::caseref::display(normalised);
        let spaced_words: Vec<String> = spaced.split(' ').map(str::to_string).collect();
        if positive {
            self.patterns.push(Pattern::Phrase {
                words: spaced_words.clone(),
                slop: 0,
                within: None,
            });
            self.patterns.push(Pattern::Phrase {
                words: vec![normalised.to_string()],
                slop: 0,
                within: None,
            });
        }
        let text = self.fields.text.exact;
        let phrase: Vec<(usize, String)> = spaced_words.into_iter().enumerate().collect();
        any_of(vec![
            Self::boosted(
                term_query(self.fields.case_ref, normalised, IndexRecordOption::Basic),
                10.0,
            ),
            phrase_query(text, &phrase, 0),
            term_query(text, normalised, IndexRecordOption::WithFreqs),
        ])
    }

    fn vocabulary(&self, field: Field) -> Result<Arc<Vocabulary>, SearchError> {
        Ok(self.vocabularies.get(self.searcher, field)?)
    }

    /// A resolved filter as a query that scores nothing.
    fn terms_of(resolved: &Resolved) -> Q {
        filter(Self::any_term(resolved))
    }

    /// Documents holding any of a resolved filter's values.
    fn any_term(resolved: &Resolved) -> Q {
        any_of(
            resolved
                .values
                .iter()
                .map(|v| term_query(resolved.field, v, IndexRecordOption::Basic))
                .collect(),
        )
    }

    /// Notes a forgiving filter value that matched several: which ones.
    fn note_several(&mut self, kind: &str, value: &str, matched: &[String]) {
        if matched.len() > 1 {
            self.notes.push(format!(
                "{kind} '{value}' matched {}: {}",
                matched.len(),
                matched.join("; ")
            ));
        }
    }

    /// `council:`, `outcome:`, `category:`, `cites:`, `ref:`, `year:`.
    fn metadata(&mut self, name: &str, value: &str) -> Result<Q, SearchError> {
        match name {
            "council" | "authority" => self.council(value).map(|r| {
                self.one_valued = Some(("council", r.values.clone()));
                Self::terms_of(&r)
            }),
            "outcome" => self.outcome(value).map(|r| {
                self.one_valued = Some(("outcome", r.values.clone()));
                Self::terms_of(&r)
            }),
            "category" => self.category(value).map(|r| Self::terms_of(&r)),
            "cites" | "citation" => self.cites(value).map(|r| Self::terms_of(&r)),
            "ref" | "case_ref" => {
                let r = crate::caseref::normalise(value).ok_or_else(|| SearchError::BadValue {
                    what: "case reference".into(),
                    input: value.into(),
                    expected: "a reference like 23 018 551, 23018551 or 23-018-551".into(),
                })?;
                Ok(filter(term_query(
                    self.fields.case_ref,
                    &r,
                    IndexRecordOption::Basic,
                )))
            }
            "year" => {
                let (from, to) = years(value)?;
                let span = self.date_span();
                self.date_range(span, from, to)
            }
            other => Err(SearchError::UnknownField {
                name: other.to_string(),
            }),
        }
    }

    /// Notes two values of a one-valued field that an `AND` requires of the
    /// same decision (`council:leeds council:york`), given as each item's
    /// field, resolved values and text: a decision has one council and one
    /// outcome, so together they match nothing, which is seldom what was
    /// meant. Values that can meet (`council:leeds council:"leeds city"`)
    /// are not noted.
    fn note_exclusive(&mut self, items: &[((&'static str, Vec<String>), &str)]) {
        for (i, ((kind, values), text)) in items.iter().enumerate() {
            let clash = items[..i]
                .iter()
                .find(|((k, earlier), _)| k == kind && !earlier.iter().any(|v| values.contains(v)));
            if let Some((_, first)) = clash {
                let [a, b] = [first, text].map(|t| {
                    if t.contains(char::is_whitespace) {
                        format!("{kind}:\"{t}\"")
                    } else {
                        format!("{kind}:{t}")
                    }
                });
                self.notes.push(format!(
                    "a decision has one {kind}, so {a} and {b} together match none; for either, write ({a} OR {b})"
                ));
                return;
            }
        }
    }

    pub fn council(&mut self, value: &str) -> Result<Resolved, SearchError> {
        let names = filter::resolve_authority(value, &*self.vocabulary(self.fields.authority)?)?;
        self.note_several("council", value, &names);
        Ok(Resolved {
            field: self.fields.authority,
            values: names,
        })
    }

    pub fn outcome(&mut self, value: &str) -> Result<Resolved, SearchError> {
        let labels = filter::resolve_outcome(value, &*self.vocabulary(self.fields.outcome)?)?;
        Ok(Resolved {
            field: self.fields.outcome,
            values: labels,
        })
    }

    pub fn category(&mut self, value: &str) -> Result<Resolved, SearchError> {
        let resolved =
            match filter::resolve_category(value, &*self.vocabulary(self.fields.category)?)? {
                CategoryMatch::Top(tops) => Resolved {
                    field: self.fields.category_top,
                    values: tops,
                },
                CategoryMatch::Full(full) => Resolved {
                    field: self.fields.category,
                    values: full,
                },
            };
        self.note_several("category", value, &resolved.values);
        Ok(resolved)
    }

    pub fn cites(&mut self, value: &str) -> Result<Resolved, SearchError> {
        let known = self.vocabulary(self.fields.citation)?;
        let keys = filter::resolve_citation(value, &known);
        if keys.is_empty() {
            self.notes.push(not_cited(value, &known));
        }
        Ok(Resolved {
            field: self.fields.citation,
            values: keys,
        })
    }

    /// A request's filter given `values` (`--council leeds --council york`),
    /// each resolved by `resolve` ([`Compiler::council`] and the like): the
    /// decisions matching any of them, with their share of the decisions
    /// (the documents of the values over all) noted for
    /// [`Compiler::expected`];
    /// `None` when no value is given (blank ones are not given).
    pub fn request_filters(
        &mut self,
        values: &[String],
        resolve: Resolver<'a>,
    ) -> Result<Option<Q>, SearchError> {
        let mut merged: Option<Resolved> = None;
        for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
            let resolved = resolve(self, value)?;
            match &mut merged {
                None => merged = Some(resolved),
                Some(all) => {
                    for v in resolved.values {
                        if !all.values.contains(&v) {
                            all.values.push(v);
                        }
                    }
                }
            }
        }
        Ok(merged.map(|resolved| self.request_filter(resolved)))
    }

    /// A request's filter (`--council leeds`): its query, with its share of
    /// the decisions noted.
    fn request_filter(&mut self, resolved: Resolved) -> Q {
        let docs: u64 = resolved
            .values
            .iter()
            .map(|v| {
                let term = Term::from_field_text(resolved.field, v);
                self.searcher.doc_freq(&term).unwrap_or(0)
            })
            .sum();
        let all = self.searcher.num_docs().max(1);
        self.narrow(docs as f64 / all as f64);
        Self::terms_of(&resolved)
    }

    /// Notes a request's filter that lets `share` of the decisions through.
    fn narrow(&mut self, share: f64) {
        let share = share.clamp(0.0, 1.0);
        self.filter_share *= share;
        self.least_share = self.least_share.min(share);
    }

    /// A request's dates (`--since`, `--until`): the decisions dated from
    /// `since` to `until`, both inclusive (noted when they miss the index's
    /// dates), with its share of the decisions noted for [`Compiler::expected`]:
    /// the share of the index's span of dates it covers.
    pub fn request_dates(
        &mut self,
        since: Option<jiff::civil::Date>,
        until: Option<jiff::civil::Date>,
    ) -> Result<Q, SearchError> {
        let span = self.date_span();
        if let Some((first, last)) = span {
            let from = since.and_then(crate::schema::unix_seconds).unwrap_or(first);
            let to = until.and_then(crate::schema::unix_seconds).unwrap_or(last);
            self.narrow(date_share(first, last, from, to));
        }
        self.date_range(span, since, until)
    }

    /// The first and last decision dates in the index, in seconds since
    /// 1970; `None` in an empty index (or one without the date column).
    fn date_span(&self) -> Option<(i64, i64)> {
        let name = self.fields.schema.get_field_name(self.fields.date);
        self.searcher
            .segment_readers()
            .iter()
            .filter(|r| r.num_docs() > 0)
            .filter_map(|r| r.fast_fields().date(name).ok())
            .map(|c| {
                let secs = |d: DateTime| d.into_timestamp_secs();
                (secs(c.min_value()), secs(c.max_value()))
            })
            .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
    }

    /// Roughly the work of a search, in documents: the mean of the
    /// *candidates*, the documents of its rarest part (`node`'s
    /// [`estimate`](Self::estimate) or its narrowest filter's), each looked
    /// up in the other parts, and the *matches* it expects, each scored
    /// and counted: the estimate times the share of the decisions that the
    /// request's filters let through ([`request_filters`](
    /// Self::request_filters), [`request_dates`](Self::request_dates)),
    /// taken as independent. Without filters, both are the estimate.
    ///
    /// Measured at 100,000 decisions on two cores (20 interleaved rounds),
    /// parallel against the calling thread alone: `apology` (2,058
    /// decisions) over two years of 13 (288 matches) is faster alone, and
    /// expects (2,058 + 317) / 2 = 1,188; `appeal` (39,698) in a category
    /// of 3,671 decisions (2,809 matches: the two go together) is faster in
    /// parallel, and expects (3,671 + 1,457) / 2 = 2,564. Matches alone
    /// would search `appeal` alone (1,457); candidates alone, `apology` in
    /// parallel (2,058).
    pub fn expected(&mut self, node: &Node) -> u64 {
        let words = self.estimate(node) as f64;
        let all = self.searcher.num_docs() as f64;
        let matches = words * self.filter_share;
        let candidates = words.min(all * self.least_share);
        ((matches + candidates) / 2.0).round() as u64
    }

    /// Decisions dated from `since` to `until`, both inclusive, in an index
    /// whose decisions span `span` ([`Compiler::date_span`]). Dates that
    /// miss all of them (`--since 2030`) get a note giving the dates it
    /// holds, so that 0 matches is not taken for an answer about the query.
    fn date_range(
        &mut self,
        span: Option<(i64, i64)>,
        since: Option<jiff::civil::Date>,
        until: Option<jiff::civil::Date>,
    ) -> Result<Q, SearchError> {
        if let (Some(since), Some(until)) = (since, until)
            && since > until
        {
            // An empty range is a slip (the ends swapped), never a search.
            return Err(SearchError::BadValue {
                what: "date range".into(),
                input: format!("{since} to {until}"),
                expected: "a start on or before its end; swap them".into(),
            });
        }
        if let Some(note) = span.and_then(|span| outside(span, since, until)) {
            self.notes.push(note);
        }
        // Every decision is stored at midnight UTC, so both ends are inclusive.
        let bound = |d: Option<jiff::civil::Date>| -> Bound<Term> {
            match d.and_then(crate::schema::unix_seconds) {
                None => Bound::Unbounded,
                Some(secs) => Bound::Included(Term::from_field_date(
                    self.fields.date,
                    DateTime::from_timestamp_secs(secs),
                )),
            }
        };
        Ok(filter(Box::new(RangeQuery::new(
            bound(since),
            bound(until),
        ))))
    }
}

/// The text of a field's word or phrase (`council:leeds`), else `None`.
fn field_value(node: &Node) -> Option<&str> {
    match node {
        Node::Word {
            field: Some(_),
            text,
        }
        | Node::Phrase {
            field: Some(_),
            text,
            ..
        } => Some(text),
        _ => None,
    }
}

/// The note for dates `since` to `until` that miss every decision of an
/// index dated `span` (seconds since 1970), naming the dates it holds.
fn outside(
    span: (i64, i64),
    since: Option<jiff::civil::Date>,
    until: Option<jiff::civil::Date>,
) -> Option<String> {
    let secs = |d: Option<jiff::civil::Date>| d.and_then(crate::schema::unix_seconds);
    let after = secs(since).is_some_and(|s| s > span.1);
    let before = secs(until).is_some_and(|u| u < span.0);
    if !after && !before {
        return None;
    }
    let asked = match (since, until) {
        (Some(s), Some(u)) => format!("from {s} to {u}"),
        (Some(s), None) => format!("on or after {s}"),
        (None, Some(u)) => format!("on or before {u}"),
        (None, None) => return None,
    };
    let day = |secs: i64| {
        crate::schema::civil_date(DateTime::from_timestamp_secs(secs))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    Some(format!(
        "no decision is dated {asked}: the index holds decisions dated {} to {}",
        day(span.0),
        day(span.1)
    ))
}

/// The note for a citation no decision cites, naming what is cited near it.
fn not_cited(value: &str, known: &filter::Vocabulary) -> String {
    let close = filter::citations_near(value, known);
    if close.is_empty() {
        format!("no decision in the index cites '{value}'")
    } else {
        format!(
            "no decision in the index cites '{value}'; cited nearby: {}",
            close.join("; ")
        )
    }
}

/// The dates a `year:` value spans, both inclusive: one year (`2024`), or
/// a range of them (`2020..2024`, `2020..`, `..2016`; `None`: open).
fn years(
    value: &str,
) -> Result<(Option<jiff::civil::Date>, Option<jiff::civil::Date>), SearchError> {
    let bad = || SearchError::BadValue {
        what: "year".into(),
        input: value.into(),
        expected: "a year such as 2024, or years such as 2020..2024, 2020.. or ..2016".into(),
    };
    let year = |text: &str| -> Result<Option<i16>, SearchError> {
        if text.is_empty() {
            return Ok(None);
        }
        let year: i16 = text.parse().map_err(|_| bad())?;
        (1900..=2200)
            .contains(&year)
            .then_some(Some(year))
            .ok_or_else(bad)
    };
    let (first, last) = match value.split_once("..") {
        Some((first, last)) => (year(first)?, year(last)?),
        None => (year(value)?, year(value)?),
    };
    if let (Some(first), Some(last)) = (first, last)
        && first > last
    {
        return Err(SearchError::BadValue {
            what: "year range".into(),
            input: value.into(),
            expected: format!("the first year on or before the last; swap them: {last}..{first}"),
        });
    }
    match (first, last) {
        (None, None) => Err(bad()),
        _ => Ok((
            first.map(|y| jiff::civil::date(y, 1, 1)),
            last.map(|y| jiff::civil::date(y, 12, 31)),
        )),
    }
}

/// A word or phrase searched across sections ([`Compiler::across_sections`]):
/// it matches and ranks as `all`, the nested query of every section, and
/// `deciding`, the whole text's (or the one named section's), matches the
/// same documents. Counted on its own it counts `deciding`, so a query of
/// one word is counted off its term's document frequency rather than by
/// visiting every match (tantivy still visits a segment with deleted
/// documents).
#[derive(Debug)]
struct Sections {
    deciding: Q,
    all: Q,
}

impl Clone for Sections {
    fn clone(&self) -> Sections {
        Sections {
            deciding: self.deciding.box_clone(),
            all: self.all.box_clone(),
        }
    }
}

impl Query for Sections {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let unscored = match scoring {
            EnableScoring::Enabled { searcher, .. } => {
                EnableScoring::disabled_from_searcher(searcher)
            }
            disabled => disabled,
        };
        Ok(Box::new(SectionsWeight {
            deciding: self.deciding.weight(unscored)?,
            all: self.all.weight(scoring)?,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.all.query_terms(visitor);
    }
}

/// [`Sections`]' weight: everything but counting is `all`'s.
struct SectionsWeight {
    deciding: Box<dyn Weight>,
    all: Box<dyn Weight>,
}

impl Weight for SectionsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.all.scorer(reader, boost)
    }

    fn scorer_danger(
        &self,
        reader: &SegmentReader,
        target: DocId,
        boost: Score,
    ) -> tantivy::Result<(SeekDangerResult, Box<dyn Scorer>)> {
        self.all.scorer_danger(reader, target, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.all.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.deciding.count(reader)
    }

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        self.all.for_each(reader, callback)
    }

    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        self.all.for_each_no_score(reader, callback)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        self.all.for_each_pruning(threshold, reader, callback)
    }
}

#[cfg(test)]
mod tests {
    use super::{date_share, outside, years};
    use jiff::civil::date;

    #[test]
    fn a_year_value_is_one_year_or_a_range_of_them() {
        let ok = |v: &str| years(v).unwrap();
        assert_eq!(
            ok("2024"),
            (Some(date(2024, 1, 1)), Some(date(2024, 12, 31)))
        );
        assert_eq!(
            ok("2020..2024"),
            (Some(date(2020, 1, 1)), Some(date(2024, 12, 31)))
        );
        assert_eq!(ok("2020.."), (Some(date(2020, 1, 1)), None));
        assert_eq!(ok("..2016"), (None, Some(date(2016, 12, 31))));
        assert_eq!(ok("2021..2021"), ok("2021"));
        for bad in [
            "",
            "..",
            "20x",
            "1899",
            "2201..",
            "2020...2024",
            "2020..20x",
            ">2020",
        ] {
            let e = years(bad).unwrap_err().to_string();
            assert!(e.contains("years such as 2020..2024"), "{bad}: {e}");
        }
    }

    #[test]
    fn dates_missing_the_index_are_noted_with_its_span() {
        let d = |y, m, day| Some(jiff::civil::date(y, m, day));
        let secs = |y, m, day| crate::schema::unix_seconds(jiff::civil::date(y, m, day)).unwrap();
        let span = (secs(2013, 1, 2), secs(2025, 12, 30));
        let holds = "the index holds decisions dated 2013-01-02 to 2025-12-30";
        assert_eq!(
            outside(span, d(2026, 1, 1), None).unwrap(),
            format!("no decision is dated on or after 2026-01-01: {holds}")
        );
        assert_eq!(
            outside(span, d(2001, 1, 1), d(2013, 1, 1)).unwrap(),
            format!("no decision is dated from 2001-01-01 to 2013-01-01: {holds}")
        );
        // Touching the span, inside it, around it or open: no note.
        assert_eq!(outside(span, d(2025, 12, 30), None), None);
        assert_eq!(outside(span, None, d(2013, 1, 2)), None);
        assert_eq!(outside(span, d(2014, 1, 1), d(2014, 1, 31)), None);
        assert_eq!(outside(span, d(2000, 1, 1), d(2030, 1, 1)), None);
        assert_eq!(outside(span, None, None), None);
    }

    #[test]
    fn a_swapped_year_range_names_what_was_typed() {
        let e = years("2019..2017").unwrap_err().to_string();
        assert!(
            e.contains("'2019..2017'") && e.ends_with("swap them: 2017..2019"),
            "{e}"
        );
    }

    const DAY: i64 = 86_400;

    #[test]
    fn a_date_range_covers_its_share_of_the_days() {
        // Days 0 to 99 (100 days).
        let last = 99 * DAY;
        assert_eq!(date_share(0, last, 0, last), 1.0);
        assert_eq!(date_share(0, last, 0, 49 * DAY), 0.5);
        assert_eq!(date_share(0, last, 90 * DAY, 90 * DAY), 0.01);
        // Beyond the span on either side: nothing; around it: everything.
        assert_eq!(date_share(0, last, 100 * DAY, 200 * DAY), 0.0);
        assert_eq!(date_share(0, last, -50 * DAY, -DAY), 0.0);
        assert_eq!(date_share(0, last, -50 * DAY, 500 * DAY), 1.0);
        // Backwards: nothing. One day's index: all of it or nothing.
        assert_eq!(date_share(0, last, 60 * DAY, 10 * DAY), 0.0);
        assert_eq!(date_share(5 * DAY, 5 * DAY, 0, last), 1.0);
        assert_eq!(date_share(5 * DAY, 5 * DAY, 6 * DAY, last), 0.0);
        // Extreme values neither overflow nor leave [0, 1].
        let share = date_share(i64::MIN, i64::MAX, i64::MIN, i64::MAX);
        assert!((0.0..=1.0).contains(&share));
    }
}
