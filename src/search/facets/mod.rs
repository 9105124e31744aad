//! Facet counts over **all** matches, not just the page shown.
//!
//! [`FacetCollector`] reads only fast-field ordinals while collecting: per
//! segment it counts, for each matching document, the ordinal of its
//! outcome, category, authority and each citation, and its year. Ordinals
//! are turned into strings once per segment at the end, so the cost per
//! match is a few array increments and no stored document is ever loaded.
//!
//! A long-running engine (the server, the benchmark) also keeps the facet
//! values of every document decoded ([`FacetTables`], built once per index
//! snapshot) as *snapshot-wide* ordinals: positions in one sorted list of
//! values per facet. Counting a match is then one load and a few
//! increments into arrays shared by all segments, and no string is made
//! for a value that is not shown. A one-shot command skips that: decoding
//! every document would cost more than its single query. The tables are
//! packed in a row of 64 bits a document (the `rows` module): at a million
//! decisions they outgrow the caches, and a match costs the memory it
//! reads. From the tables, a block of 1,024 documents that most of them
//! match is counted by subtraction (the `dense` module): its documents that
//! do not match, taken from running totals.

mod dense;
mod rows;

use dense::{BLOCK, Slots, TableCounter};
use rows::{Layout, Rows};
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
pub struct NamedCounts {
    pub outcome: HashMap<String, u64>,
    pub category: HashMap<String, u64>,
    pub authority: HashMap<String, u64>,
    pub citation: HashMap<String, u64>,
    pub year: HashMap<u64, u64>,
}

/// Counts by snapshot-wide ordinal (see [`FacetTables`]).
#[derive(Debug)]
pub struct OrdinalCounts {
    tables: Arc<FacetTables>,
    /// Per facet of [`Facet::ALL`], indexed by ordinal.
    counts: [Vec<u64>; 4],
    /// Indexed by year less the snapshot's earliest year.
    years: Vec<u64>,
}

/// The facet counts gathered by [`FacetCollector`], before sorting and
/// cutting.
#[derive(Debug)]
pub enum RawCounts {
    Named(NamedCounts),
    Ordinals(OrdinalCounts),
}

impl Default for RawCounts {
    fn default() -> RawCounts {
        RawCounts::Named(NamedCounts::default())
    }
}

/// Collects [`RawCounts`] for the matching documents.
pub struct FacetCollector<'a> {
    pub fields: &'a FacetFields,
    /// Decoded ordinals of the snapshot searched, when the engine keeps them.
    pub tables: Option<Arc<FacetTables>>,
}

/// The string facets, in the order of the arrays that hold them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Facet {
    Outcome = 0,
    Category = 1,
    Authority = 2,
    Citation = 3,
}

impl Facet {
    const ALL: [Facet; 4] = [
        Facet::Outcome,
        Facet::Category,
        Facet::Authority,
        Facet::Citation,
    ];

    fn field(self, fields: &FacetFields) -> &str {
        match self {
            Facet::Outcome => &fields.outcome,
            Facet::Category => &fields.category,
            Facet::Authority => &fields.authority,
            Facet::Citation => &fields.citation,
        }
    }
}

/// "No value" in a [`SegmentTables`] row.
const NONE: u32 = u32::MAX;

/// The count array of years, after those of [`Facet::ALL`]
/// ([`SegmentTables::each_value`], [`OrdinalCounts::arrays_mut`]).
const YEARS: usize = 4;

/// One segment's facet values, decoded to snapshot-wide ordinals.
#[derive(Debug, Default)]
pub struct SegmentTables {
    /// Per document: outcome, category, authority, year less the snapshot's
    /// earliest, citations.
    rows: Rows,
    /// Running totals for counting by subtraction (the `dense` module): row `b`
    /// (one value per [`Slots`] slot) counts every value over documents
    /// `[0, min(b × block, max_doc))`.
    totals: Vec<u32>,
    block: u32,
}

impl SegmentTables {
    /// Calls `f(array, ordinal)` for each value document `doc` has: `array`
    /// is a facet of [`Facet::ALL`] or [`YEARS`]. The one place that reads
    /// a document's values, for counting matches and running totals alike.
    #[inline(always)]
    fn each_value(&self, doc: DocId, visit: impl FnMut(usize, u32)) {
        // An absent value, as an index, is out of range and counts nothing.
        self.rows.each_value(doc as usize, visit);
    }
}

/// Decoded facet values of every segment of one index snapshot.
#[derive(Debug, Default)]
pub struct FacetTables {
    /// Per facet of [`Facet::ALL`]: every value in the snapshot, sorted,
    /// so an ordinal's order is the value's order by name.
    values: [Vec<String>; 4],
    first_year: u64,
    year_span: usize,
    /// The layout of the segments' running totals.
    slots: Slots,
    segments: HashMap<SegmentId, Arc<SegmentTables>>,
}

impl FacetTables {
    /// Decodes the facet columns of every segment `searcher` sees. When a
    /// single-valued facet (outcome, category, authority, year) holds
    /// several values for one document, or the facets more values than the
    /// rows hold (`rows::Layout::new`), no segment is decoded and every one is
    /// counted from its columns.
    pub fn build(searcher: &Searcher, fields: &FacetFields) -> tantivy::Result<FacetTables> {
        let columns_only = FacetTables::default;
        let readers = searcher.segment_readers();
        // Every facet's values across segments, sorted and deduplicated.
        let mut values: [Vec<String>; 4] = Default::default();
        let mut columns: Vec<[Option<StrColumn>; 4]> = Vec::with_capacity(readers.len());
        for reader in readers {
            let mut cols: [Option<StrColumn>; 4] = Default::default();
            for f in Facet::ALL {
                let col = reader.fast_fields().str(f.field(fields))?;
                if let Some(col) = &col {
                    let mut stream = col.dictionary().stream()?;
                    while stream.advance() {
                        values[f as usize].push(String::from_utf8_lossy(stream.key()).into_owned());
                    }
                }
                cols[f as usize] = col;
            }
            columns.push(cols);
        }
        for v in &mut values {
            v.sort_unstable();
            v.dedup();
        }
        let mut years = (u64::MAX, 0u64);
        let year_columns = readers
            .iter()
            .map(|r| r.fast_fields().column_opt::<u64>(&fields.year))
            .collect::<tantivy::Result<Vec<_>>>()?;
        for c in year_columns.iter().flatten() {
            if c.max_value() >= c.min_value() {
                years = (years.0.min(c.min_value()), years.1.max(c.max_value()));
            }
        }
        let (first_year, year_span) = if years.0 <= years.1 {
            (years.0, (years.1 - years.0).min(1 << 16) as usize + 1)
        } else {
            (0, 0)
        };

        let counts = std::array::from_fn(|f| values[f].len());
        let [outcomes, categories, authorities, citations] = counts;
        let row_values = [outcomes, categories, authorities, year_span];
        let Some(layout) = Layout::new(row_values, citations) else {
            return Ok(columns_only());
        };
        let slots = Slots::new(counts, year_span);
        let mut segments = HashMap::new();
        for ((reader, cols), year) in readers.iter().zip(&columns).zip(&year_columns) {
            // Segment ordinal -> snapshot ordinal, per facet.
            let mut maps: [Vec<u32>; 4] = Default::default();
            for f in Facet::ALL {
                if let Some(col) = &cols[f as usize] {
                    let all = &values[f as usize];
                    let mut stream = col.dictionary().stream()?;
                    while stream.advance() {
                        let value = String::from_utf8_lossy(stream.key());
                        let global = all.binary_search_by(|v| v.as_str().cmp(&value));
                        maps[f as usize].push(global.map_or(NONE, |g| g as u32));
                    }
                }
            }
            let max_doc = reader.max_doc();
            let mut t = SegmentTables {
                rows: Rows::new(layout, max_doc as usize),
                ..SegmentTables::default()
            };
            let mut citations = Vec::new();
            for doc in 0..max_doc {
                let mut row = [NONE; 4];
                for f in [Facet::Outcome, Facet::Category, Facet::Authority] {
                    if let Some(col) = &cols[f as usize] {
                        let mut ords = col.term_ords(doc);
                        if let Some(o) = ords.next() {
                            row[f as usize] =
                                maps[f as usize].get(o as usize).copied().unwrap_or(NONE);
                        }
                        if ords.next().is_some() {
                            return Ok(columns_only());
                        }
                    }
                }
                if let Some(c) = year {
                    let mut ys = c.values_for_doc(doc);
                    if let Some(y) = ys.next() {
                        row[3] = match y.checked_sub(first_year) {
                            Some(i) if (i as usize) < year_span => i as u32,
                            _ => NONE,
                        };
                    }
                    if ys.next().is_some() {
                        return Ok(columns_only());
                    }
                }
                citations.clear();
                if let Some(col) = &cols[Facet::Citation as usize] {
                    let map = &maps[Facet::Citation as usize];
                    citations.extend(
                        col.term_ords(doc)
                            .filter_map(|o| map.get(o as usize).copied())
                            .filter(|&g| g != NONE),
                    );
                }
                if !t.rows.push(row, &citations) {
                    return Ok(columns_only());
                }
            }
            t.add_running_totals(&slots, BLOCK);
            segments.insert(reader.segment_id(), Arc::new(t));
        }
        Ok(FacetTables {
            values,
            first_year,
            year_span,
            slots,
            segments,
        })
    }

    fn zeroed(self: &Arc<Self>) -> OrdinalCounts {
        OrdinalCounts {
            tables: self.clone(),
            counts: std::array::from_fn(|f| vec![0; self.values[f].len()]),
            years: vec![0; self.year_span],
        }
    }
}

/// Per-segment ordinal counts for one string column, read from the column.
struct StrCounter {
    column: Option<StrColumn>,
    counts: Vec<u32>,
}

impl StrCounter {
    fn open(reader: &SegmentReader, field: &str) -> tantivy::Result<StrCounter> {
        let column = reader.fast_fields().str(field)?;
        let n = column.as_ref().map_or(0, |c| c.num_terms());
        Ok(StrCounter {
            column,
            counts: vec![0; n],
        })
    }

    #[inline]
    fn collect(&mut self, doc: DocId) {
        if let Some(col) = &self.column {
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

/// Counts of one segment read from its fast-field columns.
pub struct ColumnCounter {
    outcome: StrCounter,
    category: StrCounter,
    authority: StrCounter,
    citation: StrCounter,
    year: Option<Column<u64>>,
    /// Matches per year, indexed from the segment's earliest year.
    years: Vec<u32>,
    first_year: u64,
}

impl ColumnCounter {
    fn open(reader: &SegmentReader, f: &FacetFields) -> tantivy::Result<ColumnCounter> {
        let year = reader.fast_fields().column_opt::<u64>(&f.year)?;
        // Dates run from -9999 to 9999, so the span of years is small.
        let (first_year, years) = match &year {
            Some(c) if c.max_value() >= c.min_value() => (
                c.min_value(),
                vec![0; (c.max_value() - c.min_value()).min(1 << 16) as usize + 1],
            ),
            _ => (0, Vec::new()),
        };
        Ok(ColumnCounter {
            outcome: StrCounter::open(reader, &f.outcome)?,
            category: StrCounter::open(reader, &f.category)?,
            authority: StrCounter::open(reader, &f.authority)?,
            citation: StrCounter::open(reader, &f.citation)?,
            year,
            years,
            first_year,
        })
    }

    fn collect(&mut self, doc: DocId) {
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

    fn harvest(self) -> NamedCounts {
        NamedCounts {
            outcome: self.outcome.harvest(),
            category: self.category.harvest(),
            authority: self.authority.harvest(),
            citation: self.citation.harvest(),
            year: nonzero_years(self.first_year, &self.years).collect(),
        }
    }
}

/// The segment half of [`FacetCollector`]: counts from the columns, or
/// from the snapshot's [`FacetTables`] when the engine keeps them.
pub enum FacetSegmentCollector {
    Columns(Box<ColumnCounter>),
    Tables(Box<TableCounter>),
}

impl Collector for FacetCollector<'_> {
    type Fruit = RawCounts;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        if let Some(tables) = &self.tables
            && let Some(segment) = tables.segments.get(&reader.segment_id())
        {
            let counter = TableCounter::new(segment.clone(), tables.zeroed());
            return Ok(FacetSegmentCollector::Tables(Box::new(counter)));
        }
        Ok(FacetSegmentCollector::Columns(Box::new(
            ColumnCounter::open(reader, self.fields)?,
        )))
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<RawCounts>) -> tantivy::Result<RawCounts> {
        let mut ordinals: Option<OrdinalCounts> = None;
        let mut named: Option<NamedCounts> = None;
        for fruit in fruits {
            match fruit {
                RawCounts::Ordinals(o) => match &mut ordinals {
                    Some(acc) if Arc::ptr_eq(&acc.tables, &o.tables) => acc.add(&o),
                    Some(_) => named.get_or_insert_default().add(o.into_named()),
                    None => ordinals = Some(o),
                },
                RawCounts::Named(n) => named.get_or_insert_default().add(n),
            }
        }
        Ok(match (ordinals, named) {
            (Some(o), None) => RawCounts::Ordinals(o),
            (Some(o), Some(mut n)) => {
                n.add(o.into_named());
                RawCounts::Named(n)
            }
            (None, n) => RawCounts::Named(n.unwrap_or_default()),
        })
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = RawCounts;

    #[inline]
    fn collect(&mut self, doc: DocId, _score: Score) {
        match self {
            FacetSegmentCollector::Columns(c) => c.collect(doc),
            FacetSegmentCollector::Tables(t) => t.collect(doc),
        }
    }

    /// A block of matches (tantivy hands them over in blocks when nothing
    /// is scored): one dispatch per block, not per document.
    fn collect_block(&mut self, docs: &[DocId]) {
        match self {
            FacetSegmentCollector::Columns(c) => docs.iter().for_each(|&d| c.collect(d)),
            FacetSegmentCollector::Tables(t) => t.collect_block(docs),
        }
    }

    fn harvest(self) -> RawCounts {
        match self {
            FacetSegmentCollector::Columns(c) => RawCounts::Named(c.harvest()),
            FacetSegmentCollector::Tables(t) => RawCounts::Ordinals(t.harvest()),
        }
    }
}

impl NamedCounts {
    fn add(&mut self, other: NamedCounts) {
        for (dst, src) in [
            (&mut self.outcome, other.outcome),
            (&mut self.category, other.category),
            (&mut self.authority, other.authority),
            (&mut self.citation, other.citation),
        ] {
            for (k, v) in src {
                *dst.entry(k).or_default() += v;
            }
        }
        for (k, v) in other.year {
            *self.year.entry(k).or_default() += v;
        }
    }

    /// Sorted facets; `authority` and `citation` cut to `top_n` when given.
    fn into_facets(self, top_n: Option<usize>) -> Facets {
        Facets {
            outcome: ranked(self.outcome, None),
            category: category_tree(self.category),
            authority: ranked(self.authority, top_n),
            year: year_facets(self.year),
            citation: ranked(self.citation, top_n),
        }
    }
}

impl OrdinalCounts {
    /// Counts documents `docs` of `segment`. The count arrays are taken as
    /// slices once, before the loop: incremented through their `Vec`s, each
    /// increment could (for all the compiler knows) change a `Vec`'s length,
    /// so every value read it again from memory.
    #[inline]
    fn count_each(&mut self, segment: &SegmentTables, docs: impl IntoIterator<Item = DocId>) {
        let mut arrays = self.arrays_mut().map(Vec::as_mut_slice);
        for doc in docs {
            segment.each_value(doc, |array, ordinal| {
                if let Some(n) = arrays[array].get_mut(ordinal as usize) {
                    *n += 1;
                }
            });
        }
    }

    /// The count arrays: those of [`Facet::ALL`], then [`YEARS`].
    #[inline]
    fn arrays_mut(&mut self) -> [&mut Vec<u64>; 5] {
        let [o, c, a, t] = &mut self.counts;
        [o, c, a, t, &mut self.years]
    }

    /// Combines `other`'s counts into these, slot by slot.
    fn combine(&mut self, other: &OrdinalCounts, op: impl Fn(u64, u64) -> u64) {
        let others = other.counts.iter().chain([&other.years]);
        for (dst, src) in self.arrays_mut().into_iter().zip(others) {
            dst.iter_mut().zip(src).for_each(|(d, s)| *d = op(*d, *s));
        }
    }

    fn add(&mut self, other: &OrdinalCounts) {
        self.combine(other, |d, s| d + s);
    }

    /// The non-zero counts of `facet`, by value.
    fn named(&self, facet: Facet) -> HashMap<String, u64> {
        self.nonzero(facet).collect()
    }

    /// The non-zero counts of `facet`: `(value, count)` in value order.
    fn nonzero(&self, facet: Facet) -> impl Iterator<Item = (String, u64)> + '_ {
        let values = &self.tables.values[facet as usize];
        self.counts[facet as usize]
            .iter()
            .zip(values)
            .filter(|&(&n, _)| n > 0)
            .map(|(&n, v)| (v.clone(), n))
    }

    fn into_named(self) -> NamedCounts {
        NamedCounts {
            outcome: self.named(Facet::Outcome),
            category: self.named(Facet::Category),
            authority: self.named(Facet::Authority),
            citation: self.named(Facet::Citation),
            year: nonzero_years(self.tables.first_year, &self.years).collect(),
        }
    }

    /// Most frequent first, ties in name order (which is ordinal order),
    /// at most `limit`: strings are made only for the values kept.
    fn ranked(&self, facet: Facet, limit: Option<usize>) -> Vec<FacetCount> {
        let mut v: Vec<(u64, usize)> = self.counts[facet as usize]
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(o, &n)| (n, o))
            .collect();
        let order = |a: &(u64, usize), b: &(u64, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        if let Some(n) = limit
            && n < v.len()
        {
            if n > 0 {
                v.select_nth_unstable_by(n - 1, order);
            }
            v.truncate(n);
        }
        v.sort_unstable_by(order);
        let values = &self.tables.values[facet as usize];
        v.into_iter()
            .map(|(count, o)| FacetCount {
                value: values.get(o).cloned().unwrap_or_default(),
                count,
                children: Vec::new(),
            })
            .collect()
    }

    fn into_facets(self, top_n: Option<usize>) -> Facets {
        Facets {
            outcome: ranked(self.nonzero(Facet::Outcome), None),
            category: category_tree(self.nonzero(Facet::Category)),
            authority: self.ranked(Facet::Authority, top_n),
            year: year_facets(nonzero_years(self.tables.first_year, &self.years)),
            citation: self.ranked(Facet::Citation, top_n),
        }
    }
}

/// `(year, count)` for each year counted in `counts`, which is indexed
/// from `first_year`.
fn nonzero_years<N: Copy + Into<u64>>(
    first_year: u64,
    counts: &[N],
) -> impl Iterator<Item = (u64, u64)> + '_ {
    counts
        .iter()
        .enumerate()
        .map(move |(i, &n)| (first_year + i as u64, n.into()))
        .filter(|&(_, n)| n > 0)
}

/// Year counts as a facet, newest first.
fn year_facets(years: impl IntoIterator<Item = (u64, u64)>) -> Vec<FacetCount> {
    let mut v: Vec<(u64, u64)> = years.into_iter().collect();
    v.sort_unstable_by_key(|&(year, _)| std::cmp::Reverse(year));
    v.into_iter()
        .map(|(year, count)| FacetCount {
            value: year.to_string(),
            count,
            children: Vec::new(),
        })
        .collect()
}

/// Most frequent first, ties in name order; at most `limit` when given.
fn ranked(
    counts: impl IntoIterator<Item = (String, u64)>,
    limit: Option<usize>,
) -> Vec<FacetCount> {
    let mut v: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount {
            value,
            count,
            children: Vec::new(),
        })
        .collect();
    sort_ranked(&mut v);
    if let Some(n) = limit {
        v.truncate(n);
    }
    v
}

/// Sorts most frequent first, ties in name order.
fn sort_ranked(v: &mut [FacetCount]) {
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
}

/// Category counts as a tree: top levels with their sub-categories. The
/// few top levels are kept in a list (a look-up is a short scan), not in
/// maps: this runs for every answer.
fn category_tree(counts: impl IntoIterator<Item = (String, u64)>) -> Vec<FacetCount> {
    let mut tops: Vec<FacetCount> = Vec::new();
    for (full, n) in counts {
        let (top, is_sub) = match full.split_once(" > ") {
            Some((top, _)) => (top, true),
            None => (full.as_str(), false),
        };
        let at = match tops.iter().position(|t| t.value == top) {
            Some(at) => at,
            None => {
                tops.push(FacetCount {
                    value: top.to_string(),
                    count: 0,
                    children: Vec::new(),
                });
                tops.len() - 1
            }
        };
        let entry = &mut tops[at];
        entry.count += n;
        if is_sub {
            entry.children.push(FacetCount {
                value: full,
                count: n,
                children: Vec::new(),
            });
        }
    }
    for top in &mut tops {
        sort_ranked(&mut top.children);
    }
    sort_ranked(&mut tops);
    tops
}

impl RawCounts {
    /// Sorted facets; `authority` and `citation` cut to `top_n` when given.
    pub fn into_facets(self, top_n: Option<usize>) -> Facets {
        match self {
            RawCounts::Named(n) => n.into_facets(top_n),
            RawCounts::Ordinals(o) => o.into_facets(top_n),
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
    fn category_tree_sums_top_levels_and_ranks_both_levels() {
        let counts = [
            ("Housing > Homelessness", 5),
            ("Education", 2),
            ("Housing", 1),
            ("Education > School admissions", 4),
            ("Housing > Allocations", 5),
            ("Planning > Enforcement", 1),
        ]
        .map(|(v, n)| (v.to_string(), n));
        let tree = category_tree(counts);
        /// A top level: value, count, children's values and counts.
        type Level<'a> = (&'a str, u64, Vec<(&'a str, u64)>);
        let shape: Vec<Level> = tree
            .iter()
            .map(|t| {
                let children = t.children.iter().map(|c| (c.value.as_str(), c.count));
                (t.value.as_str(), t.count, children.collect())
            })
            .collect();
        assert_eq!(
            shape,
            [
                (
                    "Housing",
                    11,
                    vec![("Housing > Allocations", 5), ("Housing > Homelessness", 5)]
                ),
                ("Education", 6, vec![("Education > School admissions", 4)]),
                ("Planning", 1, vec![("Planning > Enforcement", 1)]),
            ]
        );
    }

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
