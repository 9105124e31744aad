//! The single tantivy schema: every index field is named here and nowhere else.
//!
//! A results page needs two things (as tantivy's own schema docs put it):
//! `query -> doc ids`, served by the indexed fields, and `doc ids ->
//! documents`, served by the stored fields and fast (columnar) fields.
//!
//! - Free text is indexed twice: an exact field with positions (phrases
//!   match here, see [`crate::tokenizer::EXACT`]) and a stemmed field with
//!   frequencies only (unquoted words match here). `text` covers the whole
//!   decision; `summary`, `complaint`, `reasons` and `final` let a query
//!   name a section (`summary:"better placed"`) and let the ranking weigh
//!   the summary and final decision above the rest.
//! - The long sections, `complaint` and `reasons` (most of a decision's
//!   words), have no exact field of their own: their phrases are matched in
//!   the whole text's, within the section's place in it, which
//!   `section_span` records in word positions ([`TextField::span`],
//!   `search::span`). Their exact fields had cost, at 100,000 generated
//!   decisions, a sixth of the index (1.27× → 1.07× the corpus); at
//!   20,000, dropping them took the build's peak memory 720 → 435 MB and
//!   its time about 6% down (interleaved runs, medians 11.4 → 10.7 s).
//! - `section_bytes` records where every section lies in the stored text,
//!   in bytes, so that snippets highlight what a query named in a section
//!   only there.
//! - The whole decision text is stored once (`body`, stored only, packed
//!   by [`crate::store`]). `show` re-parses it, so the section fields are
//!   not stored a second time.
//! - Facets and filters use fast fields: `authority`, `outcome`, `category`,
//!   `category_top`, `citation` (multi-valued), `year` and `date`.

use crate::decision::{Decision, SectionSpan, Spanned};
use crate::tokenizer;
use std::ops::Range;
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, INDEXED, IndexRecordOption, NumericOptions,
    STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{DateTime, TantivyDocument};

/// Bumped whenever the schema, the meaning of a field or the encoding of the
/// files changes, so an index built by an older version is recognised and
/// rebuilt instead of misread. The schema carries it as the name of an empty
/// field (`format_N`), so comparing schemas compares versions too.
pub const FORMAT_VERSION: u32 = 13;

// ---- Incremental indexing: the file behind each document. ----

/// The file a document was read from, as the manifest of an index records
/// it. The manifest is not a side file: it is these fields of the indexed
/// documents, so it is committed atomically with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Path relative to the corpus folder, `/`-separated: the key for
    /// delete-by-term.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// XXH3-64 of the file's bytes.
    pub hash: u64,
    /// Normalised case reference, if the decision has one.
    pub case_ref: Option<String>,
}

/// Schema fields holding a [`Source`]: an indexed, fast `source` key and
/// fast size, time, hash and case reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceFields {
    pub key: Field,
    pub size: Field,
    pub mtime: Field,
    pub hash: Field,
    pub case_ref: Field,
}

impl SourceFields {
    pub const KEY: &'static str = "source";
    pub const SIZE: &'static str = "source_size";
    pub const MTIME: &'static str = "source_mtime";
    pub const HASH: &'static str = "content_hash";
    pub const CASE_REF: &'static str = "source_ref";

    fn add(b: &mut tantivy::schema::SchemaBuilder) -> SourceFields {
        SourceFields {
            key: b.add_text_field(Self::KEY, STRING | FAST),
            size: b.add_u64_field(Self::SIZE, FAST),
            mtime: b.add_i64_field(Self::MTIME, FAST),
            hash: b.add_u64_field(Self::HASH, FAST),
            case_ref: b.add_text_field(Self::CASE_REF, FAST),
        }
    }

    fn add_to(&self, doc: &mut TantivyDocument, s: &Source) {
        doc.add_text(self.key, &s.key);
        doc.add_u64(self.size, s.size);
        doc.add_i64(self.mtime, s.mtime_ns);
        doc.add_u64(self.hash, s.hash);
        if let Some(r) = &s.case_ref {
            doc.add_text(self.case_ref, r);
        }
    }
}

/// A free-text section: its exact field and its stemmed twin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextField {
    /// Where its phrases are matched: its own exact field, or, for a
    /// [`span`](TextField::span) section, the whole text's.
    pub exact: Field,
    pub stemmed: Field,
    /// Whether `exact` also holds the common word pairs
    /// ([`tokenizer::EXACT_PAIRS`]): the whole text's does, where every
    /// phrase is matched; the summary and final decision are only searched
    /// for phrases already found in the whole text, or when a query names
    /// them.
    pub pairs: bool,
    /// For `complaint` and `reasons`: `exact` is the whole text's, and a
    /// phrase matches only within this section's spans (`section_span`).
    pub span: Option<Spanned>,
    /// The section the field holds (`None`: the whole text): where, in the
    /// stored text, snippets highlight what a query names in it
    /// (`section_bytes`).
    pub place: Option<Spanned>,
}

/// Handles to every field of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    pub schema: Schema,
    /// The whole decision, indexed.
    pub text: TextField,
    /// The whole decision as read, stored packed by [`crate::store`] (for
    /// snippets and `show`).
    pub body: Field,
    pub summary: TextField,
    pub complaint: TextField,
    pub reasons: TextField,
    pub final_decision: TextField,
    /// Where `complaint` and `reasons` lie in the whole text, in word
    /// positions: one value per span (see [`span_value`]), multi-valued.
    pub section_span: Field,
    /// Where every [`Spanned`] section lies in the stored text (`body`), in
    /// bytes: one value per span (see [`span_value`]), multi-valued. Where
    /// snippets may highlight what a query named in the section.
    pub section_bytes: Field,
    /// Normalised case reference (`23018551`), for lookup.
    pub case_ref: Field,
    /// Case reference as published (`23 018 551`). Like the other values a
    /// hit shows (authority, category, outcome, date, path), a fast-field
    /// column, so a page of hits decompresses no stored text.
    pub case_ref_display: Field,
    pub authority: Field,
    pub category: Field,
    pub category_top: Field,
    pub outcome: Field,
    pub date: Field,
    pub year: Field,
    pub citation: Field,
    /// The file the decision was read from, as the indexer was given it.
    pub path: Field,
    /// Where a document came from, for incremental indexing (see [`Source`]).
    pub source: SourceFields,
}

/// The section fields a query may name, with the name a user types.
pub const SECTION_NAMES: [&str; 5] = ["text", "summary", "complaint", "reasons", "final"];

fn text_options(tokenizer: &str, positions: bool) -> TextOptions {
    let record = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    )
}

fn add_text(
    builder: &mut tantivy::schema::SchemaBuilder,
    name: &str,
    pairs: bool,
    place: Option<Spanned>,
) -> TextField {
    let (exact, stemmed) = if pairs {
        // The whole text: its stems are left for the sections.
        (tokenizer::EXACT_PAIRS, tokenizer::TEXT_STEMS)
    } else {
        (tokenizer::EXACT, tokenizer::STEMMED)
    };
    TextField {
        pairs,
        exact: builder.add_text_field(name, text_options(exact, true)),
        stemmed: add_stemmed(builder, name, stemmed),
        span: None,
        place,
    }
}

fn add_stemmed(builder: &mut tantivy::schema::SchemaBuilder, name: &str, analyzer: &str) -> Field {
    builder.add_text_field(&format!("{name}_stem"), text_options(analyzer, false))
}

/// A section matched within its spans of the whole text (`text`).
fn add_spanned(
    builder: &mut tantivy::schema::SchemaBuilder,
    name: &str,
    text: TextField,
    section: Spanned,
) -> TextField {
    TextField {
        stemmed: add_stemmed(builder, name, tokenizer::SECTION_STEMS),
        span: Some(section),
        place: Some(section),
        ..text
    }
}

/// The largest start [`span_value`] holds: 30 bits.
pub const SPAN_START_MAX: u32 = (1 << 30) - 1;

/// The `section_span` (or `section_bytes`) value of a span of `section`
/// over the word positions (or bytes) `range`: the section in the top two
/// bits, the start in the next 30 (at most [`SPAN_START_MAX`]), the end
/// (exclusive) in the low 32.
pub fn span_value(section: Spanned, range: std::ops::Range<u32>) -> u64 {
    let kind = match section {
        Spanned::Complaint => 0u64,
        Spanned::Reasons => 1,
        Spanned::Summary => 2,
        Spanned::FinalDecision => 3,
    };
    kind << 62 | u64::from(range.start & SPAN_START_MAX) << 32 | u64::from(range.end)
}

/// The section and range of a `section_span` or `section_bytes` value.
pub fn span_of(value: u64) -> (Spanned, std::ops::Range<u32>) {
    let section = match value >> 62 {
        0 => Spanned::Complaint,
        1 => Spanned::Reasons,
        2 => Spanned::Summary,
        _ => Spanned::FinalDecision,
    };
    let start = (value >> 32) as u32 & SPAN_START_MAX;
    (section, start..value as u32)
}

impl Fields {
    /// Builds the schema and keeps a handle to each field.
    pub fn new() -> Fields {
        let mut b = Schema::builder();
        // The spanned sections' stemmed fields come right after the whole
        // text's: tantivy indexes fields in this order, and they take their
        // stems from its (see `tokenizer::SectionStemmer`).
        let text = add_text(&mut b, "text", true, None);
        let complaint = add_spanned(&mut b, "complaint", text, Spanned::Complaint);
        let reasons = add_spanned(&mut b, "reasons", text, Spanned::Reasons);
        let body = b.add_bytes_field("body", STORED);
        let summary = add_text(&mut b, "summary", false, Some(Spanned::Summary));
        let final_decision = add_text(&mut b, "final", false, Some(Spanned::FinalDecision));
        let section_span = b.add_u64_field("section_span", FAST);
        let section_bytes = b.add_u64_field("section_bytes", FAST);
        let case_ref = b.add_text_field("case_ref", STRING);
        let case_ref_display = b.add_text_field("case_ref_display", FAST);
        let authority = b.add_text_field("authority", STRING | FAST);
        let category = b.add_text_field("category", STRING | FAST);
        let category_top = b.add_text_field("category_top", STRING | FAST);
        let outcome = b.add_text_field("outcome", STRING | FAST);
        let date = b.add_date_field(
            "date",
            DateOptions::from(INDEXED)
                .set_fast()
                .set_precision(DateTimePrecision::Seconds),
        );
        let year = b.add_u64_field("year", FAST);
        let citation = b.add_text_field("citation", STRING | FAST);
        let path = b.add_text_field("path", FAST);
        let source = SourceFields::add(&mut b);
        // Holds no data: its name records the format version (see FORMAT_VERSION).
        b.add_u64_field(
            &format!("format_{FORMAT_VERSION}"),
            NumericOptions::default(),
        );
        Fields {
            schema: b.build(),
            text,
            body,
            summary,
            complaint,
            reasons,
            final_decision,
            section_span,
            section_bytes,
            case_ref,
            case_ref_display,
            authority,
            category,
            category_top,
            outcome,
            date,
            year,
            citation,
            path,
            source,
        }
    }

    /// The section a user names in `field:term`, if it is one.
    pub fn section(&self, name: &str) -> Option<TextField> {
        Some(match name {
            "text" => self.text,
            "summary" => self.summary,
            "complaint" => self.complaint,
            "reasons" => self.reasons,
            "final" | "final_decision" => self.final_decision,
            _ => return None,
        })
    }

    /// The tantivy document for one decision.
    pub fn document(&self, d: &Decision) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_bytes(self.body, &crate::store::pack(&d.full_text));
        // The sections without exact fields of their own are matched within
        // their word positions in the whole text, and their stemmed fields
        // hold the stems of those words.
        let spanned = |s: &&SectionSpan| {
            [self.complaint, self.reasons]
                .iter()
                .any(|f| f.span == Some(s.section))
        };
        let bytes: Vec<(usize, usize)> = d
            .spans
            .iter()
            .filter(spanned)
            .map(|s| (s.start, s.end))
            .collect();
        let words = tokenizer::word_ranges(&d.full_text, &bytes);
        // Each span: its section, bytes and word positions.
        let spans: Vec<(Spanned, Range<usize>, Range<u32>)> = d
            .spans
            .iter()
            .filter(spanned)
            .zip(words)
            .map(|(s, words)| (s.section, s.start..s.end, words))
            .collect();
        for (section, _, words) in spans.iter().filter(|(_, _, w)| !w.is_empty()) {
            doc.add_u64(self.section_span, span_value(*section, words.clone()));
        }
        for (field, value) in [
            (self.text, Some(&d.full_text)),
            (self.summary, d.summary.as_ref()),
            (self.complaint, d.complaint.as_ref()),
            (self.reasons, d.reasons.as_ref()),
            (self.final_decision, d.final_decision.as_ref()),
        ] {
            let Some(v) = value else { continue };
            match field.span {
                None => {
                    doc.add_text(field.exact, v);
                    doc.add_text(field.stemmed, v);
                }
                Some(section) => {
                    let located: Vec<(Range<usize>, Range<u32>)> = spans
                        .iter()
                        .filter(|(s, _, _)| *s == section)
                        .map(|(_, bytes, words)| (bytes.clone(), words.clone()))
                        .collect();
                    doc.add_text(
                        field.stemmed,
                        tokenizer::section_value(&d.full_text, &located),
                    );
                }
            }
        }
        for span in &d.spans {
            // A span beyond 1 GB of text (only with `--max-file-mb` raised
            // that far) is left out rather than wrapped.
            if let (Ok(start @ 0..=SPAN_START_MAX), Ok(end)) =
                (u32::try_from(span.start), u32::try_from(span.end))
            {
                doc.add_u64(self.section_bytes, span_value(span.section, start..end));
            }
        }
        if let Some(r) = &d.case_ref {
            if let Some(norm) = crate::caseref::normalise(r) {
                doc.add_text(self.case_ref, norm);
            }
            doc.add_text(self.case_ref_display, r);
        }
        if let Some(a) = &d.authority {
            doc.add_text(self.authority, a);
        }
        if let Some(c) = &d.category {
            doc.add_text(self.category, c.display());
            doc.add_text(self.category_top, &c.top);
        }
        if let Some(o) = &d.outcome {
            doc.add_text(self.outcome, o.label());
        }
        if let Some(date) = d.decision_date {
            if let Some(secs) = unix_seconds(date) {
                doc.add_date(self.date, DateTime::from_timestamp_secs(secs));
            }
            doc.add_u64(self.year, u64::try_from(date.year()).unwrap_or(0));
        }
        let mut seen = std::collections::HashSet::new();
        for c in d.citations.iter().filter(|c| c.act.is_some()) {
            if seen.insert(c.key.as_str()) {
                doc.add_text(self.citation, &c.key);
            }
        }
        doc.add_text(self.path, &d.path);
        doc
    }

    /// The document for one decision read from the file described by `source`.
    pub fn document_from(&self, d: &Decision, source: &Source) -> TantivyDocument {
        let mut doc = self.document(d);
        self.source.add_to(&mut doc, source);
        doc
    }
}

impl Default for Fields {
    fn default() -> Self {
        Fields::new()
    }
}

/// Midnight UTC of `date` as seconds since the Unix epoch.
pub fn unix_seconds(date: jiff::civil::Date) -> Option<i64> {
    date.to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp().as_second())
}

/// The civil date of a stored or fast-field date value.
pub fn civil_date(value: DateTime) -> Option<jiff::civil::Date> {
    jiff::Timestamp::from_second(value.into_timestamp_secs())
        .ok()
        .map(|t| t.to_zoned_datetime(jiff::tz::TimeZone::UTC).date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_values_round_trip() {
        for section in [
            Spanned::Summary,
            Spanned::Complaint,
            Spanned::Reasons,
            Spanned::FinalDecision,
        ] {
            for words in [0..0, 0..1, 7..300, 0x3fff_fffe..0x3fff_ffff, 5..u32::MAX] {
                assert_eq!(
                    span_of(span_value(section, words.clone())),
                    (section, words)
                );
            }
        }
    }
}
