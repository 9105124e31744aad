//! A page of hits: what is shown of each matching decision.
//!
//! A hit's metadata (case reference, authority, category, outcome, date,
//! path) is read from fast-field columns, so a page without snippets
//! decompresses no stored text at all. Only snippets need the decision's
//! text: it is read from the document store, where every decision is a
//! block of its own (see `index::settings`), packed by [`crate::store`], so
//! a hit costs the decompression of its own text and nothing else's.
//!
//! The columns of a segment are opened once per snapshot ([`PageColumns`],
//! kept by the engine) on the first hit read from that segment. Looking a
//! value up in a text column's dictionary scans a block of it (about a
//! microsecond, five times per hit), so a long-lived engine decodes each
//! of these dictionaries whole when it opens the column (for 100,000
//! generated decisions, about 10 MB, mostly their paths) and then reads
//! values by index.

use std::sync::OnceLock;

use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocAddress, DocId, Score, Searcher};

use super::snippet::Highlighter;
use super::{Hit, SNIPPETS_PER_HIT};
use crate::decision::{Decision, SectionSpan};
use crate::schema::{self, Fields};
use crate::store;

/// The columns of one segment that a hit's metadata is read from; a
/// column is `None` when no decision of the segment has the value.
struct SegmentColumns {
    case_ref: Option<TextColumn>,
    authority: Option<TextColumn>,
    category: Option<TextColumn>,
    outcome: Option<TextColumn>,
    path: Option<TextColumn>,
    date: Option<Column<DateTime>>,
    /// Where the spanned sections lie in the stored text (`section_bytes`).
    sections: Option<Column<u64>>,
    /// The stored texts.
    texts: store::Texts,
}

/// A text column, with its dictionary decoded when the engine is long-lived.
struct TextColumn {
    column: StrColumn,
    decoded: Option<Decoded>,
}

/// Every value of a column's dictionary, in ordinal order: value `i` is
/// `text[bounds[i]..bounds[i + 1]]`.
struct Decoded {
    text: String,
    bounds: Vec<usize>,
}

impl TextColumn {
    fn open(column: Option<StrColumn>, decode: bool) -> std::io::Result<Option<TextColumn>> {
        let Some(column) = column else {
            return Ok(None);
        };
        let decoded = if decode {
            let mut text = String::new();
            let mut bounds = Vec::with_capacity(column.num_terms() + 1);
            bounds.push(0);
            let mut stream = column.dictionary().stream()?;
            while stream.advance() {
                // Validating is word-at-a-time; the lossy path is byte by
                // byte, and a column's keys are always UTF-8 in practice.
                match std::str::from_utf8(stream.key()) {
                    Ok(key) => text.push_str(key),
                    Err(_) => text.push_str(&String::from_utf8_lossy(stream.key())),
                }
                bounds.push(text.len());
            }
            Some(Decoded { text, bounds })
        } else {
            None
        };
        Ok(Some(TextColumn { column, decoded }))
    }

    /// The first value of `doc`, if it has one.
    fn first(&self, doc: DocId) -> tantivy::Result<Option<String>> {
        let Some(ord) = self.column.term_ords(doc).next() else {
            return Ok(None);
        };
        if let Some(d) = &self.decoded {
            let i = ord as usize;
            let (start, end) = (d.bounds.get(i), d.bounds.get(i + 1));
            return Ok(start
                .zip(end)
                .and_then(|(&start, &end)| d.text.get(start..end))
                .map(str::to_string));
        }
        let mut out = String::new();
        Ok(self.column.ord_to_str(ord, &mut out)?.then_some(out))
    }
}

/// The hit columns of every segment of one snapshot, each segment's opened
/// on first use. Shared by the threads that build one page.
pub struct PageColumns {
    segments: OnceLock<Vec<OnceLock<SegmentColumns>>>,
    /// Whether text columns' dictionaries are decoded whole (see the
    /// module's header): for engines that answer many queries.
    decode: bool,
}

impl PageColumns {
    /// Columns opened on first use; with `decode`, their dictionaries are
    /// decoded whole then.
    pub fn new(decode: bool) -> PageColumns {
        PageColumns {
            segments: OnceLock::new(),
            decode,
        }
    }

    fn segment(
        &self,
        searcher: &Searcher,
        fields: &Fields,
        ord: u32,
    ) -> tantivy::Result<&SegmentColumns> {
        let readers = searcher.segment_readers();
        let slots = self
            .segments
            .get_or_init(|| readers.iter().map(|_| OnceLock::new()).collect());
        let (Some(slot), Some(reader)) = (slots.get(ord as usize), readers.get(ord as usize))
        else {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "no segment {ord} in this snapshot"
            )));
        };
        if let Some(columns) = slot.get() {
            return Ok(columns);
        }
        let fast = reader.fast_fields();
        let name = |f| fields.schema.get_field_name(f);
        let text = |f| -> tantivy::Result<Option<TextColumn>> {
            Ok(TextColumn::open(fast.str(name(f))?, self.decode)?)
        };
        let opened = SegmentColumns {
            case_ref: text(fields.case_ref_display)?,
            authority: text(fields.authority)?,
            category: text(fields.category)?,
            outcome: text(fields.outcome)?,
            path: text(fields.path)?,
            date: fast.column_opt::<DateTime>(name(fields.date))?,
            sections: fast.column_opt::<u64>(name(fields.section_bytes))?,
            texts: store::Texts::open(reader, fields.body)?,
        };
        // Another thread may have opened it meanwhile; either copy will do.
        Ok(slot.get_or_init(|| opened))
    }

    /// The decision at `addr`, parsed again from its stored text (`None`
    /// if that no longer parses).
    pub fn decision(
        &self,
        searcher: &Searcher,
        fields: &Fields,
        addr: DocAddress,
    ) -> tantivy::Result<Option<Decision>> {
        let columns = self.segment(searcher, fields, addr.segment_ord)?;
        let path = first_str(&columns.path, addr.doc_id)?.unwrap_or_default();
        let text = columns.texts.get(addr.doc_id)?;
        Ok(text.and_then(|text| crate::parse::parse(&text, &path).ok()))
    }

    /// The hit for the decision at `addr`, ranked `rank` with `score`; with
    /// a `highlighter`, its snippets too.
    pub fn hit(
        &self,
        searcher: &Searcher,
        fields: &Fields,
        (rank, score, addr): (usize, Score, DocAddress),
        highlighter: Option<&mut Highlighter>,
    ) -> tantivy::Result<Hit> {
        let columns = self.segment(searcher, fields, addr.segment_ord)?;
        let doc = addr.doc_id;
        let snippets = match highlighter {
            Some(h) => {
                let sections = match &columns.sections {
                    Some(c) if h.names_sections() => c
                        .values_for_doc(doc)
                        .map(|v| {
                            let (section, bytes) = schema::span_of(v);
                            SectionSpan {
                                section,
                                start: bytes.start as usize,
                                end: bytes.end as usize,
                            }
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let text = columns.texts.get(doc)?;
                text.map(|text| h.snippets(&text, &sections, SNIPPETS_PER_HIT))
                    .unwrap_or_default()
            }
            None => Vec::new(),
        };
        Ok(Hit {
            rank,
            score,
            case_ref: first_str(&columns.case_ref, doc)?,
            authority: first_str(&columns.authority, doc)?,
            category: first_str(&columns.category, doc)?,
            outcome: first_str(&columns.outcome, doc)?,
            decision_date: columns
                .date
                .as_ref()
                .and_then(|c| c.first(doc))
                .and_then(schema::civil_date)
                .map(|d| d.to_string()),
            path: first_str(&columns.path, doc)?.unwrap_or_default(),
            snippets,
        })
    }
}

/// The first value of `doc` in a text column, if it has one.
fn first_str(column: &Option<TextColumn>, doc: DocId) -> tantivy::Result<Option<String>> {
    match column {
        Some(c) => c.first(doc),
        None => Ok(None),
    }
}
