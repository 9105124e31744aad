//! A page of hits: what is shown of each matching decision.
//!
//! A hit's metadata (case reference, authority, category, outcome, date,
//! path) is read from fast-field columns, so a page without snippets
//! decompresses no stored text at all. Only snippets need the decision's
//! text: it is read from the document store, where every decision is a
//! compressed block of its own (see `index::settings`), so a hit costs the
//! decompression of its own text and nothing else's.
//!
//! The columns of a segment are opened once per snapshot ([`PageColumns`],
//! kept by the engine) on the first hit read from that segment.

use std::sync::OnceLock;

use tantivy::columnar::{Column, StrColumn};
use tantivy::schema::Value;
use tantivy::{DateTime, DocAddress, DocId, Score, Searcher, TantivyDocument};

use super::snippet::Highlighter;
use super::{Hit, SNIPPETS_PER_HIT};
use crate::schema::{self, Fields};

/// The columns of one segment that a hit's metadata is read from; a
/// column is `None` when no decision of the segment has the value.
struct SegmentColumns {
    case_ref: Option<StrColumn>,
    authority: Option<StrColumn>,
    category: Option<StrColumn>,
    outcome: Option<StrColumn>,
    path: Option<StrColumn>,
    date: Option<Column<DateTime>>,
}

/// The hit columns of every segment of one snapshot, each segment's opened
/// on first use. Shared by the threads that build one page.
#[derive(Default)]
pub struct PageColumns {
    segments: OnceLock<Vec<OnceLock<SegmentColumns>>>,
}

impl PageColumns {
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
        let opened = SegmentColumns {
            case_ref: fast.str(name(fields.case_ref_display))?,
            authority: fast.str(name(fields.authority))?,
            category: fast.str(name(fields.category))?,
            outcome: fast.str(name(fields.outcome))?,
            path: fast.str(name(fields.path))?,
            date: fast.column_opt::<DateTime>(name(fields.date))?,
        };
        // Another thread may have opened it meanwhile; either copy will do.
        Ok(slot.get_or_init(|| opened))
    }

    /// The path of the decision at `addr`.
    pub fn path(
        &self,
        searcher: &Searcher,
        fields: &Fields,
        addr: DocAddress,
    ) -> tantivy::Result<String> {
        let columns = self.segment(searcher, fields, addr.segment_ord)?;
        Ok(first_str(&columns.path, addr.doc_id)?.unwrap_or_default())
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
                let stored: TantivyDocument = searcher.doc(addr)?;
                match stored.get_first(fields.body).and_then(|v| v.as_str()) {
                    Some(text) => h.snippets(text, SNIPPETS_PER_HIT),
                    None => Vec::new(),
                }
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
fn first_str(column: &Option<StrColumn>, doc: DocId) -> tantivy::Result<Option<String>> {
    let Some(column) = column else {
        return Ok(None);
    };
    let Some(ord) = column.term_ords(doc).next() else {
        return Ok(None);
    };
    let mut out = String::new();
    Ok(column.ord_to_str(ord, &mut out)?.then_some(out))
}
