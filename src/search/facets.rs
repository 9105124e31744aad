//! Facet counts over **all** matches, not just the page shown.
//!
//! [`FacetCollector`] reads only fast-field ordinals while collecting: per
//! segment it counts, for each matching document, the ordinal of its
//! outcome, category, authority and each citation, and its year. Ordinals
//! are turned into strings once per segment at the end, so the cost per
//! match is a few array increments and no stored document is ever loaded.
//!
//! A long-running engine (the server, the benchmark) also keeps each
//! segment's ordinals decoded into plain arrays ([`FacetTables`], built
//! once per index snapshot), so counting a match is a handful of loads
//! instead of five column look-ups. A one-shot command skips that: decoding
//! every document would cost more than its single query.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// One facet value and how many matching decisions have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
    /// For a top-level category: its sub-categories (`Top > Sub`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<FacetCount>,
}

/// All facets of one answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    pub outcome: Vec<FacetCount>,
    /// Top-level categories, each with its sub-categories as children.
    pub category: Vec<FacetCount>,
    pub authority: Vec<FacetCount>,
    /// Newest year first.
    pub year: Vec<FacetCount>,
    pub citation: Vec<FacetCount>,
}

/// Fast-field names the collector reads (given by the schema module).
#[derive(Debug, Clone)]
pub struct FacetFields {
    pub outcome: String,
    pub category: String,
    pub authority: String,
    pub citation: String,
    pub year: String,
}

/// Counts of every facet value, keyed by string, before sorting and cutting.
#[derive(Debug, Default)]
pub struct RawCounts {
    pub outcome: HashMap<String, u64>,
    pub category: HashMap<String, u64>,
    pub authority: HashMap<String, u64>,
    pub citation: HashMap<String, u64>,
    pub year: HashMap<u64, u64>,
}

/// Collects [`RawCounts`] for the matching documents.
pub struct FacetCollector {
    pub fields: FacetFields,
    /// Decoded ordinals of the snapshot searched, when the engine keeps them.
    pub tables: Option<Arc<FacetTables>>,
}

/// A string column's ordinals for every document of a segment, decoded:
/// document `d` has `ords[starts[d]..starts[d + 1]]`.
#[derive(Debug, Default)]
pub struct DenseOrds {
    starts: Vec<u32>,
    ords: Vec<u32>,
}

impl DenseOrds {
    fn decode(column: &StrColumn, max_doc: DocId) -> DenseOrds {
        let mut d = DenseOrds {
            starts: Vec::with_capacity(max_doc as usize + 1),
            ords: Vec::with_capacity(max_doc as usize),
        };
        for doc in 0..max_doc {
            d.starts.push(d.ords.len() as u32);
            d.ords.extend(column.term_ords(doc).map(|o| o as u32));
        }
        d.starts.push(d.ords.len() as u32);
        d
    }

    #[inline]
    fn of(&self, doc: DocId) -> &[u32] {
        let doc = doc as usize;
        match (self.starts.get(doc), self.starts.get(doc + 1)) {
            (Some(&a), Some(&b)) => self.ords.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// One segment's facet columns, decoded.
#[derive(Debug, Default)]
pub struct SegmentTables {
    outcome: DenseOrds,
    category: DenseOrds,
    authority: DenseOrds,
    citation: DenseOrds,
}

/// Decoded facet columns of every segment of one index snapshot.
#[derive(Debug, Default)]
pub struct FacetTables {
    generation: u64,
    segments: HashMap<SegmentId, Arc<SegmentTables>>,
}

impl FacetTables {
    /// Decodes the facet columns of every segment `searcher` sees.
    pub fn build(searcher: &Searcher, fields: &FacetFields) -> tantivy::Result<FacetTables> {
        let mut segments = HashMap::new();
        for reader in searcher.segment_readers() {
            let decode = |name: &str| -> tantivy::Result<DenseOrds> {
                Ok(match reader.fast_fields().str(name)? {
                    Some(col) => DenseOrds::decode(&col, reader.max_doc()),
                    None => DenseOrds::default(),
                })
            };
            let tables = SegmentTables {
                outcome: decode(&fields.outcome)?,
                category: decode(&fields.category)?,
                authority: decode(&fields.authority)?,
                citation: decode(&fields.citation)?,
            };
            segments.insert(reader.segment_id(), Arc::new(tables));
        }
        Ok(FacetTables {
            generation: searcher.generation().generation_id(),
            segments,
        })
    }

    /// Whether these tables were built for `searcher`'s snapshot.
    pub fn is_for(&self, searcher: &Searcher) -> bool {
        self.generation == searcher.generation().generation_id()
    }
}

/// Per-segment ordinal counts for one string column.
struct StrCounter {
    column: Option<StrColumn>,
    /// The column decoded, when the engine keeps it.
    dense: Option<Arc<SegmentTables>>,
    pick: fn(&SegmentTables) -> &DenseOrds,
    counts: Vec<u32>,
}

impl StrCounter {
    fn open(
        reader: &SegmentReader,
        field: &str,
        dense: Option<Arc<SegmentTables>>,
        pick: fn(&SegmentTables) -> &DenseOrds,
    ) -> tantivy::Result<StrCounter> {
        let column = reader.fast_fields().str(field)?;
        let n = column.as_ref().map_or(0, |c| c.num_terms());
        Ok(StrCounter {
            column,
            dense,
            pick,
            counts: vec![0; n],
        })
    }

    #[inline]
    fn collect(&mut self, doc: DocId) {
        if let Some(tables) = &self.dense {
            for &ord in (self.pick)(tables).of(doc) {
                if let Some(c) = self.counts.get_mut(ord as usize) {
                    *c += 1;
                }
            }
        } else if let Some(col) = &self.column {
            for ord in col.term_ords(doc) {
                if let Some(c) = self.counts.get_mut(ord as usize) {
                    *c += 1;
                }
            }
        }
    }

    /// The counted values as strings: one sorted walk over the dictionary,
    /// so each dictionary block is read once however many values matched.
    fn harvest(self) -> HashMap<String, u64> {
        let mut out = HashMap::new();
        let Some(col) = self.column else { return out };
        let ords: Vec<u64> = (0..self.counts.len() as u64)
            .filter(|&o| self.counts[o as usize] > 0)
            .collect();
        let mut at = ords.iter();
        let walked = col.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
            if let Some(&ord) = at.next() {
                let value = String::from_utf8_lossy(bytes).into_owned();
                out.insert(value, u64::from(self.counts[ord as usize]));
            }
        });
        // An unreadable dictionary loses the counts of one segment, never the answer.
        debug_assert!(walked.is_ok());
        out
    }
}

/// The segment half of [`FacetCollector`].
pub struct FacetSegmentCollector {
    outcome: StrCounter,
    category: StrCounter,
    authority: StrCounter,
    citation: StrCounter,
    year: Option<Column<u64>>,
    /// Matches per year, indexed from the segment's earliest year.
    years: Vec<u32>,
    first_year: u64,
}

impl Collector for FacetCollector {
    type Fruit = RawCounts;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let year = reader.fast_fields().column_opt::<u64>(&self.fields.year)?;
        // Dates run from -9999 to 9999, so the span of years is small.
        let (first_year, years) = match &year {
            Some(c) if c.max_value() >= c.min_value() => (
                c.min_value(),
                vec![0; (c.max_value() - c.min_value()).min(1 << 16) as usize + 1],
            ),
            _ => (0, Vec::new()),
        };
        let dense = self
            .tables
            .as_ref()
            .and_then(|t| t.segments.get(&reader.segment_id()).cloned());
        let f = &self.fields;
        Ok(FacetSegmentCollector {
            outcome: StrCounter::open(reader, &f.outcome, dense.clone(), |t| &t.outcome)?,
            category: StrCounter::open(reader, &f.category, dense.clone(), |t| &t.category)?,
            authority: StrCounter::open(reader, &f.authority, dense.clone(), |t| &t.authority)?,
            citation: StrCounter::open(reader, &f.citation, dense, |t| &t.citation)?,
            year,
            years,
            first_year,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<RawCounts>) -> tantivy::Result<RawCounts> {
        let mut total = RawCounts::default();
        for f in fruits {
            for (dst, src) in [
                (&mut total.outcome, f.outcome),
                (&mut total.category, f.category),
                (&mut total.authority, f.authority),
                (&mut total.citation, f.citation),
            ] {
                for (k, v) in src {
                    *dst.entry(k).or_default() += v;
                }
            }
            for (k, v) in f.year {
                *total.year.entry(k).or_default() += v;
            }
        }
        Ok(total)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = RawCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.outcome.collect(doc);
        self.category.collect(doc);
        self.authority.collect(doc);
        self.citation.collect(doc);
        if let Some(year) = self.year.as_ref().and_then(|c| c.first(doc))
            && let Some(n) = self
                .years
                .get_mut(year.wrapping_sub(self.first_year) as usize)
        {
            *n += 1;
        }
    }

    fn harvest(self) -> RawCounts {
        RawCounts {
            outcome: self.outcome.harvest(),
            category: self.category.harvest(),
            authority: self.authority.harvest(),
            citation: self.citation.harvest(),
            year: self
                .years
                .iter()
                .enumerate()
                .filter(|&(_, &n)| n > 0)
                .map(|(i, &n)| (self.first_year + i as u64, u64::from(n)))
                .collect(),
        }
    }
}

/// Most frequent first, ties in name order; at most `limit` when given.
fn ranked(counts: HashMap<String, u64>, limit: Option<usize>) -> Vec<FacetCount> {
    let mut v: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount {
            value,
            count,
            children: Vec::new(),
        })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    if let Some(n) = limit {
        v.truncate(n);
    }
    v
}

/// Category counts as a tree: top levels with their sub-categories.
fn category_tree(counts: HashMap<String, u64>) -> Vec<FacetCount> {
    let mut tops: HashMap<String, (u64, HashMap<String, u64>)> = HashMap::new();
    for (full, n) in counts {
        let top = full
            .split_once(" > ")
            .map_or(full.as_str(), |(t, _)| t)
            .to_string();
        let entry = tops.entry(top).or_default();
        entry.0 += n;
        if full.contains(" > ") {
            entry.1.insert(full, n);
        }
    }
    let mut out: Vec<FacetCount> = tops
        .into_iter()
        .map(|(value, (count, subs))| FacetCount {
            value,
            count,
            children: ranked(subs, None),
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out
}

impl RawCounts {
    /// Sorted facets; `authority` and `citation` cut to `top_n` when given.
    pub fn into_facets(self, top_n: Option<usize>) -> Facets {
        let mut year: Vec<FacetCount> = self
            .year
            .into_iter()
            .map(|(y, count)| FacetCount {
                value: y.to_string(),
                count,
                children: Vec::new(),
            })
            .collect();
        year.sort_by(|a, b| b.value.cmp(&a.value));
        Facets {
            outcome: ranked(self.outcome, None),
            category: category_tree(self.category),
            authority: ranked(self.authority, top_n),
            year,
            citation: ranked(self.citation, top_n),
        }
    }
}

/// The facet names [`Facets::take`] knows, as the CLI and the API spell them.
pub const FACET_NAMES: &str = "outcome, category, council, year, citation";

impl Facets {
    /// One facet by name: `outcome`, `category`, `council` (or `authority`),
    /// `year`, `citation` (or `cites`). `None` for any other name.
    pub fn take(self, name: &str) -> Option<Vec<FacetCount>> {
        match name {
            "outcome" => Some(self.outcome),
            "category" => Some(self.category),
            "council" | "authority" => Some(self.authority),
            "year" => Some(self.year),
            "citation" | "cites" => Some(self.citation),
            _ => None,
        }
    }
}

#[cfg(test)]
mod take_tests {
    use super::*;

    #[test]
    fn take_picks_a_facet_by_name_or_alias() {
        let one = |v: &str| {
            vec![FacetCount {
                value: v.into(),
                count: 1,
                children: Vec::new(),
            }]
        };
        let f = Facets {
            outcome: one("Upheld"),
            category: one("Education"),
            authority: one("Kent County Council"),
            year: one("2024"),
            citation: one("Care Act 2014 s.42"),
        };
        assert_eq!(f.clone().take("council"), f.clone().take("authority"));
        assert_eq!(
            f.clone().take("cites").unwrap()[0].value,
            "Care Act 2014 s.42"
        );
        assert_eq!(f.clone().take("year").unwrap()[0].value, "2024");
        assert!(f.take("path").is_none());
    }
}
