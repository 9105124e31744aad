//! Highlighted snippets: where in a decision the query matched, shown as up
//! to three short fragments with each match as **one** span.
//!
//! tantivy's own snippet generator highlights single terms, so a phrase such
//! as "ICO is better placed" would come back as four separate marks (and
//! `is` would be marked wherever it stands). Here the text is re-tokenized
//! with the very analyzers used for indexing, the query's phrases are found
//! as token sequences, and each occurrence is one span from its first word
//! to its last. Unquoted words are matched on their stems, as in the index.
//! A sloppy phrase (`"time trouble"~2`) is found by the index's own rule
//! ([`Slop`]: from each position of its first word, every other word within
//! the slop of its place, in any order), so a decision is highlighted
//! exactly where it matched.
//!
//! Re-tokenizing a whole decision (up to 40 KB) for each hit would cost more
//! than the search itself, so the text is first scanned for each pattern's
//! *anchor* (an ASCII prefix every matching word must start with) by one
//! pass over the text with its ASCII letters lower-cased (`Anchors`), and
//! only windows of text around the anchors are tokenized: a phrase's window
//! reaches as far as the phrase may, a stem's holds the one word. Patterns
//! without an anchor (a word starting with a non-ASCII letter) fall back to
//! tokenizing the whole text.
//!
//! A pattern the query named in a section (`summary:`, `complaint:`,
//! `reasons:`, `final:`) matched only there, so only its occurrences within
//! that section's spans are highlighted: the caller gives the spans of the
//! decision at hand (from the `section_bytes` fast field).

use super::sloppy::{self, Slop};
use crate::decision::{SectionSpan, Spanned};
use crate::tokenizer::{self, StemCache};
use aho_corasick::{AhoCorasick, MatchKind, packed};
use memchr::memmem;
use serde::{Deserialize, Serialize};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

/// Bytes of text a fragment aims for.
const FRAGMENT_BYTES: usize = 220;
/// Bytes of context before the first match in a fragment.
const LEAD_BYTES: usize = 70;
/// Bytes tokenized on each side of a phrase's anchor beyond what its words
/// may reach there ([`reach`]). A stem's anchor needs no context: only the
/// word that holds it is tokenized.
const WINDOW_SLACK: usize = 16;
/// Bytes allowed, beyond a phrase word's own length, for the white space
/// and punctuation between it and its neighbour; and for each extra word
/// the phrase's slop lets into a gap.
const WINDOW_PER_WORD: usize = 40;
/// Once every pattern has matched and this many matches are found (or
/// three times as many, when some pattern is missing, as in `a OR b`), the
/// rest of the text is not searched: three per fragment shown is plenty to
/// choose the fragments from, and a word found on every line of a long
/// decision would otherwise have the whole of it tokenized.
const ENOUGH_SPANS: usize = 9;

/// What to highlight: from the positive parts of a query. `within`: the
/// section the query named, where alone it may be highlighted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// Normalised words in order, up to `slop` extra positions apart.
    Phrase {
        words: Vec<String>,
        slop: u32,
        within: Option<Spanned>,
    },
    /// A stemmed word.
    Stem {
        stem: String,
        within: Option<Spanned>,
    },
}

impl Pattern {
    fn within(&self) -> Option<Spanned> {
        match self {
            Pattern::Phrase { within, .. } | Pattern::Stem { within, .. } => *within,
        }
    }
}

/// One fragment of text with byte ranges to highlight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    /// The fragment, white space collapsed and list markers removed.
    pub text: String,
    /// Byte ranges `[start, end)` into `text`, in order, not overlapping.
    pub highlights: Vec<[usize; 2]>,
}

/// Reusable highlighter: holds the analyzers and the query's patterns.
#[derive(Clone)]
pub struct Highlighter {
    patterns: Vec<Pattern>,
    exact: TextAnalyzer,
    stems: StemCache,
    /// Reused buffer: the stem of the current word.
    stem: String,
    /// Per pattern: the anchor a word must start with to be worth stemming
    /// (empty: every word; unused for phrases).
    prefixes: Vec<String>,
    /// Finds the patterns' anchors; `None` when some pattern has none and
    /// whole texts must be tokenized.
    anchors: Option<Anchors>,
    /// Per pattern: bytes to tokenize before and after its anchor's start.
    margins: Vec<(usize, usize)>,
    /// Reused buffer: the text with its ASCII letters lower-cased (the
    /// same bytes otherwise, so the same offsets), where anchors are found.
    folded: Vec<u8>,
    /// The distinct words of the phrases; each phrase as indexes into it.
    vocabulary: Vec<String>,
    phrases: Vec<Option<Vec<u32>>>,
    /// Per pattern: a sloppy phrase's counting (`None`: not one).
    sloppy: Vec<Option<Sloppy>>,
    /// Reused buffer: each exact token as (vocabulary index or
    /// [`OTHER`], start, end).
    tokens: Vec<(u32, usize, usize)>,
    /// Matches after which the search may stop ([`ENOUGH_SPANS`]).
    enough: usize,
}

/// A token that is no word of any phrase.
const OTHER: u32 = u32::MAX;

/// A sloppy phrase's words at their places in it, and the counting that
/// finds its matches among a window's tokens.
#[derive(Clone)]
struct Sloppy {
    places: Vec<sloppy::Place>,
    slop: Slop,
}

/// A match in the original text: byte range and which pattern it is.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    pattern: usize,
}

impl Highlighter {
    pub fn new(patterns: Vec<Pattern>) -> Highlighter {
        let anchored: Vec<Option<Anchored>> = patterns.iter().map(anchor).collect();
        let prefixes = anchored
            .iter()
            .map(|a| a.as_ref().map(|a| a.word.clone()).unwrap_or_default())
            .collect();
        let margins = anchored
            .iter()
            .map(|a| a.as_ref().map_or((0, 0), |a| a.reach))
            .collect();
        let anchors: Option<Vec<String>> =
            anchored.into_iter().map(|a| a.map(|a| a.word)).collect();
        let anchors = anchors.and_then(|a| Anchors::new(&a));
        let mut vocabulary: Vec<String> = Vec::new();
        let phrases = patterns
            .iter()
            .map(|p| match p {
                Pattern::Phrase { words, .. } => Some(
                    words
                        .iter()
                        .map(|w| match vocabulary.iter().position(|v| v == w) {
                            Some(i) => i as u32,
                            None => {
                                vocabulary.push(w.clone());
                                (vocabulary.len() - 1) as u32
                            }
                        })
                        .collect::<Vec<u32>>(),
                ),
                Pattern::Stem { .. } => None,
            })
            .collect::<Vec<_>>();
        let sloppy = patterns
            .iter()
            .zip(&phrases)
            .map(|(p, ids)| match (p, ids) {
                (Pattern::Phrase { slop, .. }, Some(ids)) if *slop > 0 => {
                    let offsets: Vec<(usize, u32)> = ids.iter().copied().enumerate().collect();
                    let places = sloppy::places(&offsets);
                    Some(Sloppy {
                        slop: Slop::new(*slop, &places),
                        places,
                    })
                }
                _ => None,
            })
            .collect();
        Highlighter {
            patterns,
            exact: tokenizer::exact(),
            stems: StemCache::default(),
            stem: String::new(),
            prefixes,
            anchors,
            margins,
            folded: Vec::new(),
            vocabulary,
            phrases,
            sloppy,
            tokens: Vec::new(),
            enough: ENOUGH_SPANS,
        }
    }

    /// Whether a pattern was named in a section: then [`snippets`] needs
    /// the decision's section spans to highlight it.
    ///
    /// [`snippets`]: Highlighter::snippets
    pub fn names_sections(&self) -> bool {
        self.patterns.iter().any(|p| p.within().is_some())
    }

    /// Up to `max` fragments of `text`, best first by number of distinct
    /// patterns matched, then shown in text order. With no match, the start
    /// of the summary (or of the text) without highlights. `sections`: where
    /// the spanned sections lie in `text`; a pattern named in a section is
    /// highlighted only there.
    pub fn snippets(&mut self, text: &str, sections: &[SectionSpan], max: usize) -> Vec<Snippet> {
        let spans = self.find(text, sections);
        if spans.is_empty() {
            let start = text.find("Summary:").map_or(0, |i| i + "Summary:".len());
            let end = snap_end(text, start + FRAGMENT_BYTES);
            return vec![render(text, start, end, &[])];
        }
        let mut chosen: Vec<(usize, usize)> = Vec::new();
        let mut candidates: Vec<(usize, usize, usize, usize)> = Vec::new(); // (score, start, end, first)
        for (i, s) in spans.iter().enumerate() {
            let start = snap_start(text, s.start.saturating_sub(LEAD_BYTES), s.start);
            let end = snap_end(text, (start + FRAGMENT_BYTES).max(s.end));
            let mut seen = vec![false; self.patterns.len()];
            let mut hits = 0;
            for t in &spans[i..] {
                if t.end > end {
                    break;
                }
                seen[t.pattern] = true;
                hits += 1;
            }
            let distinct = seen.iter().filter(|&&b| b).count();
            candidates.push((distinct * 100 + hits.min(99), start, end, i));
        }
        candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.3.cmp(&b.3)));
        for (_, start, end, _) in candidates {
            if chosen.len() >= max {
                break;
            }
            if chosen.iter().all(|&(s, e)| end <= s || start >= e) {
                chosen.push((start, end));
            }
        }
        chosen.sort();
        chosen
            .into_iter()
            .map(|(start, end)| {
                let inside: Vec<(usize, usize)> = spans
                    .iter()
                    .filter(|s| s.start >= start && s.end <= end)
                    .map(|s| (s.start, s.end))
                    .collect();
                render(text, start, end, &inside)
            })
            .collect()
    }

    /// Every match of every pattern (or enough of them), merged where they
    /// overlap, in order.
    fn find(&mut self, text: &str, sections: &[SectionSpan]) -> Vec<Span> {
        if self.patterns.is_empty() {
            return Vec::new();
        }
        let mut spans = Vec::new();
        match self.anchors.take() {
            None => self.find_in(text, 0..text.len(), sections, &mut spans),
            Some(anchors) => {
                let mut seen = vec![false; self.patterns.len()];
                let margins = std::mem::take(&mut self.margins);
                let mut folded = std::mem::take(&mut self.folded);
                folded.clear();
                folded.extend_from_slice(text.as_bytes());
                folded.make_ascii_lowercase();
                for (start, end) in windows(text, &folded, &anchors, &margins) {
                    let before = spans.len();
                    self.find_in(text, start..end, sections, &mut spans);
                    for s in &spans[before..] {
                        seen[s.pattern] = true;
                    }
                    let enough = spans.len() >= self.enough;
                    if enough && (seen.iter().all(|&b| b) || spans.len() / 3 >= self.enough) {
                        break;
                    }
                }
                self.anchors = Some(anchors);
                self.margins = margins;
                self.folded = folded;
            }
        }
        spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
        let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
        for s in spans {
            match merged.last_mut() {
                Some(last) if s.start < last.end => last.end = last.end.max(s.end),
                _ => merged.push(s),
            }
        }
        for s in &mut merged {
            s.end = close_brackets(text, s.start, s.end);
        }
        merged
    }

    /// Matches of every pattern within `text[start..end]`, which starts and
    /// ends at word boundaries. Tokens are compared as they stream by; only
    /// a vocabulary index per token is kept, for phrases. A word is stemmed
    /// only when it starts with a stem pattern's anchor: no other word can
    /// have that stem. A match of a pattern named in a section is kept
    /// only if it lies within one of the section's `sections`.
    fn find_in(
        &mut self,
        text: &str,
        range: std::ops::Range<usize>,
        sections: &[SectionSpan],
        spans: &mut Vec<Span>,
    ) {
        let before = spans.len();
        let start = range.start;
        let window = &text[range];
        let has_phrases = !self.vocabulary.is_empty();
        self.tokens.clear();
        let mut stream = self.exact.token_stream(window);
        while let Some(t) = stream.next() {
            let (from, to) = (start + t.offset_from, start + t.offset_to);
            if has_phrases {
                let id = self.vocabulary.iter().position(|v| *v == t.text);
                self.tokens.push((id.map_or(OTHER, |i| i as u32), from, to));
            }
            let mut stemmed = false;
            for (pi, (pattern, prefix)) in self.patterns.iter().zip(&self.prefixes).enumerate() {
                let Pattern::Stem { stem: want, .. } = pattern else {
                    continue;
                };
                if !t.text.starts_with(prefix.as_str()) {
                    continue;
                }
                if !stemmed {
                    self.stem.clone_from(&t.text);
                    self.stems.stem_in_place(&mut self.stem);
                    stemmed = true;
                }
                if self.stem == *want {
                    spans.push(Span {
                        start: from,
                        end: to,
                        pattern: pi,
                    });
                }
            }
        }
        let inside = |within: Option<Spanned>, start: usize, end: usize| {
            within.is_none_or(|section| {
                sections
                    .iter()
                    .any(|p| p.section == section && p.start <= start && end <= p.end)
            })
        };
        if has_phrases {
            let phrases = self
                .patterns
                .iter()
                .zip(&self.phrases)
                .zip(&mut self.sloppy);
            for (pi, ((pattern, ids), sloppy)) in phrases.enumerate() {
                match (ids, sloppy) {
                    (Some(ids), None) => find_phrase(&self.tokens, ids, pi, spans),
                    (Some(ids), Some(sloppy)) => {
                        // As in the index, only the words within the
                        // section (of any of its spans) count.
                        let within = pattern.within();
                        let inside = |from, to| inside(within, from, to);
                        find_sloppy(&self.tokens, ids, sloppy, inside, pi, spans);
                    }
                    (None, _) => {}
                }
            }
        }
        let mut kept = before;
        for i in before..spans.len() {
            let s = spans[i];
            // A sloppy phrase's words were kept within its section already.
            let inside = self.sloppy[s.pattern].is_some()
                || inside(self.patterns[s.pattern].within(), s.start, s.end);
            if inside {
                spans[kept] = s;
                kept += 1;
            }
        }
        spans.truncate(kept);
    }
}

/// A pattern's anchor: the ASCII prefix every word matching it starts with
/// (compared without regard to ASCII case), and the bytes before and after
/// the anchor's start that a window must hold to find the whole pattern.
struct Anchored {
    word: String,
    reach: (usize, usize),
}

/// `pattern`'s anchor, or `None` when there is none useful.
///
/// A phrase is anchored on its word with the longest ASCII head (the last
/// of equals), and its window reaches as far as the phrase may on each side
/// of that word ([`reach`]). A stem is anchored on itself less the letters
/// stemming may have put at its end, which are at most two of `e`, `i`, `l`
/// and `y` (`happy` → `happi`, `ability` → `abl`), and its window is the one
/// word; an anchor shorter than three letters would match nearly
/// everywhere, so such a stem has none (and the irregular `dying` → `die`
/// is still found).
fn anchor(pattern: &Pattern) -> Option<Anchored> {
    match pattern {
        Pattern::Phrase { words, slop, .. } => {
            let (k, _) = words
                .iter()
                .enumerate()
                .filter(|(_, w)| !ascii_head(w).is_empty())
                .max_by_key(|(_, w)| ascii_head(w).len())?;
            Some(Anchored {
                word: ascii_head(&words[k]).to_string(),
                reach: reach(words, *slop, k),
            })
        }
        Pattern::Stem { stem, .. } => {
            let mut head = ascii_head(stem);
            for _ in 0..2 {
                head = head.strip_suffix(['e', 'i', 'l', 'y']).unwrap_or(head);
            }
            (head.len() >= 3).then(|| Anchored {
                word: head.to_string(),
                reach: (0, 0),
            })
        }
    }
}

/// The run of ASCII letters and digits `word` starts with.
fn ascii_head(word: &str) -> &str {
    let len = word.bytes().take_while(u8::is_ascii_alphanumeric).count();
    &word[..len]
}

/// How far a phrase anchored on its word `k` may reach before and after
/// the anchor's start, in bytes, plus [`WINDOW_SLACK`]. An exact phrase
/// reaches over the words on each side, each with [`WINDOW_PER_WORD`] for
/// what separates it from its neighbour. A sloppy one's words may stand in
/// any order: its first word within the slop of its place as seen from the
/// anchor's position, and each word within the slop of its own place as
/// seen from the first's, so up to `k + 2 × slop` words before the anchor
/// and `n − 1 − k + 2 × slop` after it, each counted as long as the longest
/// of the phrase. A window no wider than the phrase's reach tokenizes a
/// few dozen words instead of a few hundred, and finds the same matches
/// (tested against tokenizing the whole text).
fn reach(words: &[String], slop: u32, k: usize) -> (usize, usize) {
    let anchor = words.get(k).map_or(0, String::len);
    let (before, after) = (k.min(words.len()), words.len().saturating_sub(k + 1));
    if slop > 0 {
        let word = words.iter().map(String::len).max().unwrap_or(0) + WINDOW_PER_WORD;
        let extra = 2 * slop as usize;
        return (
            WINDOW_SLACK + (before + extra) * word,
            WINDOW_SLACK + anchor + (after + extra) * word,
        );
    }
    let side =
        |words: &[String]| -> usize { words.iter().map(|w| w.len() + WINDOW_PER_WORD).sum() };
    (
        WINDOW_SLACK + side(&words[..before]),
        WINDOW_SLACK + anchor + side(&words[words.len() - after..]),
    )
}

/// Finds anchors in a text with its ASCII letters lower-cased (`folded`):
/// faster than a case-insensitive search, which rules out the vectorised
/// searches. Matches are leftmost-first, in the order of the text.
#[derive(Clone)]
enum Anchors {
    /// Several anchors: Teddy, aho-corasick's vectorised search for a few
    /// literals at once, which tests a fingerprint of each anchor's first
    /// bytes 16 or 32 bytes of text at a time. (The automaton would look
    /// for their first bytes alone, and `n`, `o`, `c` or `s` start a
    /// candidate every few bytes of English.)
    Several(packed::Searcher),
    /// One anchor: `memchr`'s vectorised substring search, which the
    /// automaton would use too, without building the automaton for each
    /// query (some 40,000 instructions).
    One(memmem::Finder<'static>),
    /// Several anchors where Teddy is not available.
    Automaton(AhoCorasick),
}

impl Anchors {
    fn new(anchors: &[String]) -> Option<Anchors> {
        let folded: Vec<String> = anchors.iter().map(|w| w.to_ascii_lowercase()).collect();
        match folded.as_slice() {
            [] => return None,
            [one] => return Some(Anchors::One(memmem::Finder::new(one).into_owned())),
            _ => {}
        }
        let teddy = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(&folded)
            .build();
        if let Some(searcher) = teddy {
            return Some(Anchors::Several(searcher));
        }
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(&folded)
            .ok()
            .map(Anchors::Automaton)
    }

    fn find_iter<'a>(&'a self, folded: &'a [u8]) -> AnchorMatches<'a> {
        match self {
            Anchors::Several(s) => AnchorMatches::Several(s.find_iter(folded)),
            Anchors::One(f) => AnchorMatches::One(f, folded, 0),
            Anchors::Automaton(a) => AnchorMatches::Automaton(a.find_iter(folded)),
        }
    }
}

/// The matches of [`Anchors::find_iter`].
enum AnchorMatches<'a> {
    Several(packed::FindIter<'a, 'a>),
    /// One anchor's search, the text, and where the next search starts
    /// (after the last match: matches do not overlap).
    One(&'a memmem::Finder<'static>, &'a [u8], usize),
    Automaton(aho_corasick::FindIter<'a, 'a>),
}

impl Iterator for AnchorMatches<'_> {
    type Item = aho_corasick::Match;

    fn next(&mut self) -> Option<aho_corasick::Match> {
        match self {
            AnchorMatches::Several(m) => m.next(),
            AnchorMatches::One(finder, text, at) => {
                let start = *at + finder.find(text.get(*at..)?)?;
                let end = start + finder.needle().len();
                *at = end;
                Some(aho_corasick::Match::must(0, start..end))
            }
            AnchorMatches::Automaton(m) => m.next(),
        }
    }
}

/// Byte ranges of `text` around each anchor (found in `folded`, the text
/// lower-cased), as far as its pattern may reach on each side, snapped to
/// white space and merged where they touch, in the order of their anchors
/// (a phrase's window may reach back over one already given; the matches
/// found twice are merged by [`Highlighter::find`]). Lazy: the text is
/// scanned only as far as the windows are taken, so a search that has
/// found enough matches early never reads the rest of a long text.
fn windows<'t>(
    text: &'t str,
    folded: &'t [u8],
    anchors: &'t Anchors,
    margins: &'t [(usize, usize)],
) -> impl Iterator<Item = (usize, usize)> + 't {
    let mut found = anchors.find_iter(folded);
    let mut pending: Option<(usize, usize)> = None;
    std::iter::from_fn(move || {
        for m in found.by_ref() {
            let at = m.start();
            let (before, after) = margins
                .get(m.pattern().as_usize())
                .copied()
                .unwrap_or((0, 0));
            // Already covered, with its whole reach on both sides.
            if let Some((start, end)) = pending
                && at + after <= end
                && at.saturating_sub(before) >= start
            {
                continue;
            }
            let start = window_start(text, at, before);
            let end = snap_end(text, (at + after).max(m.end()));
            match pending.as_mut() {
                // A phrase's window may reach back before a stem's.
                Some(last) if start <= last.1 => *last = (last.0.min(start), last.1.max(end)),
                _ => {
                    if let Some(done) = pending.replace((start, end)) {
                        return Some(done);
                    }
                }
            }
        }
        pending.take()
    })
}

/// Where a window around the anchor at `at` starts: the first word start
/// at most `margin` bytes before it or, when there is none, the start of
/// the run of non-white-space that holds the anchor (a window never starts
/// inside a word: the tokens would not be those of the text).
fn window_start(text: &str, at: usize, margin: usize) -> usize {
    let start = word_start(text, at.saturating_sub(margin), at);
    if start < at || at == 0 || text[..at].ends_with(char::is_whitespace) {
        return start;
    }
    text[..at]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// The first start of a word at or after `from` (a word starts at the start
/// of the text or after white space), or `limit` when none comes first.
fn word_start(text: &str, from: usize, limit: usize) -> usize {
    let mut from = from.min(limit);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    if from == 0 || text[..from].ends_with(char::is_whitespace) {
        return from;
    }
    match text[from..limit].find(char::is_whitespace) {
        Some(p) => {
            let s = from + p;
            s + text[s..].chars().next().map_or(0, char::len_utf8)
        }
        None => limit,
    }
}

/// Occurrences of the exact phrase `ids` in `tokens`: each next word at
/// the next token.
fn find_phrase(tokens: &[(u32, usize, usize)], ids: &[u32], pattern: usize, out: &mut Vec<Span>) {
    let Some(&first) = ids.first() else { return };
    for (i, &(id, start, _)) in tokens.iter().enumerate() {
        if id != first {
            continue;
        }
        let mut at = i;
        let mut ok = true;
        for &w in &ids[1..] {
            match tokens.get(at + 1) {
                Some(t) if t.0 == w => at += 1,
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            out.push(Span {
                start,
                end: tokens[at].2,
                pattern,
            });
        }
    }
}

/// Occurrences of the sloppy phrase `ids` in `tokens` by the index's rule
/// ([`Slop`]), counting only the tokens `inside` keeps (by their bytes),
/// each from the first to the last of the words it took.
fn find_sloppy(
    tokens: &[(u32, usize, usize)],
    ids: &[u32],
    sloppy: &mut Sloppy,
    inside: impl Fn(usize, usize) -> bool,
    pattern: usize,
    out: &mut Vec<Span>,
) {
    let Sloppy { places, slop } = sloppy;
    for place in places.iter() {
        let Some(&id) = ids.get(place.term as usize) else {
            return;
        };
        if let Some(positions) = slop.buffer(*place) {
            positions.clear();
            let at = tokens.iter().enumerate();
            let words = at.filter(|(_, t)| t.0 == id && inside(t.1, t.2));
            positions.extend(words.map(|(j, _)| j as u32));
        }
    }
    slop.each_match(|m| {
        if let (Some(first), Some(last)) =
            (tokens.get(m.first as usize), tokens.get(m.last as usize))
        {
            out.push(Span {
                start: first.1,
                end: last.2,
                pattern,
            });
        }
    });
}

/// A fragment start at or after `min`, at a word or line start, not after `limit`.
fn snap_start(text: &str, min: usize, limit: usize) -> usize {
    if min == 0 {
        return 0;
    }
    if let Some(nl) = text[..limit].rfind('\n').filter(|&p| p + 1 >= min) {
        return nl + 1;
    }
    word_start(text, min, limit)
}

/// A fragment end at or after `want`, at the end of a word.
fn snap_end(text: &str, want: usize) -> usize {
    if want >= text.len() {
        return text.len();
    }
    let mut i = want;
    while !text.is_char_boundary(i) {
        i += 1;
    }
    text[i..]
        .find(char::is_whitespace)
        .map_or(text.len(), |p| i + p)
}

/// Where a highlight of `text[start..end]` should end: past the closing
/// brackets right after it that close brackets it opens, so the phrase
/// `section 26(6)` is marked `section 26(6)` rather than `section 26(6`
/// (words end before punctuation).
fn close_brackets(text: &str, start: usize, end: usize) -> usize {
    let inside = &text.as_bytes()[start..end];
    let open = inside.iter().filter(|&&b| b == b'(').count();
    let closed = inside.iter().filter(|&&b| b == b')').count();
    let unclosed = open.saturating_sub(closed);
    let after = text.as_bytes()[end..]
        .iter()
        .take(unclosed)
        .take_while(|&&b| b == b')')
        .count();
    end + after
}

/// Copies `text[start..end]`, collapsing white space and dropping the `- `
/// list markers at line starts, and moves the highlight ranges along.
///
/// A run of printable ASCII at a time, a character decoded only where a
/// byte is not ASCII, and only the highlights' ends mapped into the copy:
/// copying a character and mapping a byte at a time cost a quarter of a
/// hit's instructions.
fn render(text: &str, start: usize, end: usize, spans: &[(usize, usize)]) -> Snippet {
    let slice = &text[start..end];
    let bytes = slice.as_bytes();
    let mut out = String::with_capacity(slice.len());
    // The ends of the highlights, as offsets in `slice` with their places
    // in `mapped`, in text order.
    let mut ends: Vec<(usize, usize)> = spans
        .iter()
        .enumerate()
        .flat_map(|(k, &(s, e))| [(s - start, 2 * k), (e - start, 2 * k + 1)])
        .collect();
    ends.sort_unstable();
    let mut mapped = vec![0usize; ends.len()];
    let mut next_end = 0;
    let mut at_line_start = start == 0 || text[..start].ends_with('\n');
    let mut pending_space = false;
    let mut i = 0;
    while i < bytes.len() {
        // Where the byte at `i` lands in the copy (after the space that
        // stands for the white space before it, if any).
        let here = out.len() + usize::from(pending_space && !out.is_empty());
        // The piece at `i`: a run of printable ASCII, copied whole (but a
        // list marker's `-` at a line start), or else one character.
        let run = if at_line_start && bytes[i] == b'-' {
            0
        } else {
            bytes[i..]
                .iter()
                .position(|b| !b.is_ascii_graphic())
                .unwrap_or(bytes.len() - i)
        };
        let (c, len) = match (run, bytes[i]) {
            (0, b) if b.is_ascii() => (Some(char::from(b)), 1),
            (0, _) => match slice[i..].chars().next() {
                Some(c) => (Some(c), c.len_utf8()),
                None => break,
            },
            (run, _) => (None, run),
        };
        // Every highlight end within the piece moves with it.
        while let Some(&(o, k)) = ends.get(next_end).filter(|(o, _)| *o < i + len) {
            mapped[k] = here + (o - i);
            next_end += 1;
        }
        let from = i;
        i += len;
        let Some(c) = c else {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&slice[from..i]);
            (at_line_start, pending_space) = (false, false);
            continue;
        };
        if c == '\n' || c == '\r' {
            at_line_start = true;
            pending_space = true;
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if at_line_start && c == '-' && bytes.get(i) == Some(&b' ') {
            at_line_start = false;
            pending_space = true;
            continue;
        }
        at_line_start = false;
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    for &(_, k) in &ends[next_end..] {
        mapped[k] = out.len();
    }
    let highlights = mapped
        .chunks_exact(2)
        .map(|pair| {
            // A highlight ending in white space at the end of the fragment
            // would be mapped past the copy's end.
            let s = pair[0].min(out.len());
            let e = pair[1].clamp(s, out.len());
            // A range must end where its last character ends, not after a collapsed space.
            [s, out[..e].trim_end().len().max(s)]
        })
        .collect();
    Snippet {
        text: out,
        highlights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn phrase(s: &str) -> Pattern {
        Pattern::Phrase {
            words: s.split(' ').map(String::from).collect(),
            slop: 0,
            within: None,
        }
    }

    fn stem(s: &str) -> Pattern {
        Pattern::Stem {
            stem: s.to_string(),
            within: None,
        }
    }

    fn marked(s: &Snippet) -> Vec<&str> {
        s.highlights.iter().map(|[a, b]| &s.text[*a..*b]).collect()
    }

    #[test]
    fn a_phrase_is_one_span() {
        let text = "Intro.\n- We will not investigate because the ICO is better placed to consider it.\nEnd";
        let mut h = Highlighter::new(vec![phrase("ico is better placed")]);
        let s = h.snippets(text, &[], 3);
        assert_eq!(s.len(), 1);
        assert_eq!(marked(&s[0]), ["ICO is better placed"]);
        assert!(!s[0].text.contains("\n"));
        assert!(!s[0].text.contains("- We"), "{}", s[0].text);
    }

    #[test]
    fn a_highlight_closes_the_brackets_it_opens() {
        let text = "(Local Government Act 1974, section 26(6)(a), as amended) and s.34(3)(b))";
        let mut h = Highlighter::new(vec![phrase("section 26 6"), phrase("34 3 b")]);
        assert_eq!(
            marked(&h.snippets(text, &[], 3)[0]),
            ["section 26(6)", "34(3)(b)"]
        );
        let mut h = Highlighter::new(vec![phrase("as amended")]);
        assert_eq!(marked(&h.snippets(text, &[], 3)[0]), ["as amended"]);
    }

    #[test]
    fn curly_apostrophes_match_straight_queries() {
        let text = "The Ombudsman’s role and powers";
        let mut h = Highlighter::new(vec![phrase("ombudsman's role")]);
        assert_eq!(marked(&h.snippets(text, &[], 3)[0]), ["Ombudsman’s role"]);
    }

    #[test]
    fn stems_and_multiple_fragments() {
        let mut text = String::from("Her complaints were many.");
        text.push_str(&" filler".repeat(100));
        text.push_str(" The complaint was late.");
        let mut h = Highlighter::new(vec![stem("complaint")]);
        let s = h.snippets(&text, &[], 3);
        assert_eq!(s.len(), 2);
        assert_eq!(marked(&s[0]), ["complaints"]);
        assert_eq!(marked(&s[1]), ["complaint"]);
    }

    #[test]
    fn no_match_shows_the_summary() {
        let text = "Title (23 018 551)\nSummary: We will not investigate.\nMore";
        let s = Highlighter::new(vec![]).snippets(text, &[], 3);
        assert!(s[0].text.starts_with("We will not investigate"));
        assert!(s[0].highlights.is_empty());
    }

    #[test]
    fn a_pattern_named_in_a_section_is_highlighted_only_within_it() {
        let text = "Summary: a zebra crossing near the library.\n\
                    The complaint\n- Mr X says the zebra crossing by the school is unsafe.\n\
                    Analysis\n- The zebra crossing at the station was moved, and a zebra\n\
                    crossing too.";
        let span = |section, from: &str, to: &str| SectionSpan {
            section,
            start: text.find(from).unwrap(),
            end: text.rfind(to).unwrap() + to.len(),
        };
        // The reasons end inside the last "zebra crossing".
        let sections = [
            span(Spanned::Complaint, "The complaint", "unsafe."),
            span(Spanned::Reasons, "Analysis", "a zebra"),
        ];
        let at = |needle: &str| text.find(needle).unwrap();
        let found = |pattern: Pattern, sections: &[SectionSpan]| -> Vec<usize> {
            let mut h = Highlighter::new(vec![pattern]);
            h.find(text, sections).iter().map(|s| s.start).collect()
        };
        let zebra_crossing = |within| Pattern::Phrase {
            words: vec!["zebra".into(), "crossing".into()],
            slop: 0,
            within,
        };
        let zebra = |within| Pattern::Stem {
            stem: "zebra".into(),
            within,
        };
        let summary = at("zebra crossing near");
        let school = at("zebra crossing by");
        let station = at("zebra crossing at");
        let straddling = at("zebra\ncrossing");
        assert_eq!(
            found(zebra_crossing(None), &sections),
            [summary, school, station, straddling]
        );
        assert_eq!(
            found(zebra_crossing(Some(Spanned::Complaint)), &sections),
            [school]
        );
        assert_eq!(
            found(zebra_crossing(Some(Spanned::Reasons)), &sections),
            [station]
        );
        assert_eq!(
            found(zebra(Some(Spanned::Reasons)), &sections),
            [station, straddling]
        );
        // A sloppy phrase counts only the words within the section (as the
        // index does): the straddling pair's "crossing" lies outside it.
        let crossing_zebra = |within| Pattern::Phrase {
            words: vec!["crossing".into(), "zebra".into()],
            slop: 2,
            within,
        };
        assert_eq!(
            found(crossing_zebra(None), &sections),
            [summary, school, station, straddling]
        );
        assert_eq!(
            found(crossing_zebra(Some(Spanned::Reasons)), &sections),
            [station]
        );
        // Without the decision's spans, nothing named in a section is shown.
        assert!(found(zebra(Some(Spanned::Reasons)), &[]).is_empty());
        let mut h = Highlighter::new(vec![zebra_crossing(Some(Spanned::Reasons))]);
        assert!(h.names_sections());
        let shown = h.snippets(text, &sections, 3);
        let marks: Vec<&str> = shown.iter().flat_map(marked).collect();
        assert_eq!(marks, ["zebra crossing"]);
        assert!(!Highlighter::new(vec![zebra(None)]).names_sections());
    }

    /// Matches found through anchors and windows, and by tokenizing the
    /// whole text.
    type Ranges = Vec<(usize, usize)>;

    fn both_ways(patterns: Vec<Pattern>, text: &str) -> (Ranges, Ranges) {
        let mut anchored = Highlighter::new(patterns.clone());
        anchored.enough = usize::MAX;
        let mut whole = Highlighter::new(patterns);
        whole.anchors = None;
        whole.prefixes.iter_mut().for_each(String::clear);
        let spans =
            |h: &mut Highlighter| h.find(text, &[]).iter().map(|s| (s.start, s.end)).collect();
        (spans(&mut anchored), spans(&mut whole))
    }

    #[test]
    fn anchors_find_inflected_and_derived_forms() {
        let text = "They were happy. Happiness matters. The ABILITY to complain; complaints, Complained. Dying.";
        for (word, expect) in [
            ("happy", 2),
            ("ability", 1),
            ("complain", 2), // `complaints` stems to `complaint`
            ("dying", 1),    // `die`: no anchor, the whole text is searched
        ] {
            let stem = tokenizer::words(&mut tokenizer::stemmed(), word)[0]
                .text
                .clone();
            let (a, w) = both_ways(vec![self::stem(&stem)], text);
            assert_eq!(a, w, "{word}");
            assert_eq!(a.len(), expect, "{word}: {a:?}");
        }
    }

    /// Teddy (several anchors) and the substring search (one) find what
    /// the automaton finds, overlapping candidates included.
    #[test]
    fn anchors_are_found_as_the_automaton_finds_them() {
        let automaton = |words: &[String]| {
            Anchors::Automaton(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostFirst)
                    .build(words)
                    .unwrap(),
            )
        };
        let found = |a: &Anchors, text: &[u8]| -> Vec<(usize, usize, usize)> {
            a.find_iter(text)
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                .collect()
        };
        let text = b"the council noise; odours, no noisy odour. councillors noisome";
        let words = ["nois", "odour", "council"].map(String::from);
        let several = Anchors::new(&words).unwrap();
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("ssse3") {
            assert!(matches!(several, Anchors::Several(_)), "Teddy not used");
        }
        assert_eq!(found(&several, text), found(&automaton(&words), text));
        assert_eq!(found(&several, text).len(), 7);
        for (word, text, count) in [
            ("nois", &text[..], 3),
            ("aa", b"aaaaa aa a", 3),
            ("council", b"Council council", 1),
        ] {
            let one = Anchors::new(&[word.to_string()]).unwrap();
            assert!(matches!(one, Anchors::One(_)));
            let want = found(&automaton(&[word.to_string()]), text);
            assert_eq!(found(&one, text), want, "{word}");
            assert_eq!(want.len(), count, "{word}");
        }
    }

    #[test]
    fn an_anchor_inside_a_long_word_is_no_match() {
        // The anchor `nois` lies 300 bytes into one word, farther than any
        // margin: the window must still start where the word starts.
        let text = format!(
            "{}noise, then the noise. {}noisy",
            "a".repeat(300),
            "b".repeat(300)
        );
        for patterns in [
            vec![stem("nois")],
            vec![phrase("noise")],
            vec![phrase("then the noise")],
        ] {
            let (a, w) = both_ways(patterns.clone(), &text);
            assert_eq!(a, w, "{patterns:?}");
            assert_eq!(a.len(), 1, "{patterns:?}: {a:?}");
        }
    }

    /// The renderer as it was: every byte of the fragment mapped into the
    /// copy. [`render`] must give what it gives.
    fn render_by_map(text: &str, start: usize, end: usize, spans: &[(usize, usize)]) -> Snippet {
        let slice = &text[start..end];
        let mut out = String::with_capacity(slice.len());
        let mut map = vec![0usize; slice.len() + 1];
        let mut at_line_start = start == 0 || text[..start].ends_with('\n');
        let mut pending_space = false;
        let mut chars = slice.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            map[i] = out.len() + usize::from(pending_space && !out.is_empty());
            if c == '\n' || c == '\r' {
                at_line_start = true;
                pending_space = true;
                continue;
            }
            if c.is_whitespace() {
                pending_space = true;
                continue;
            }
            if at_line_start && c == '-' && chars.peek().is_some_and(|(_, n)| *n == ' ') {
                at_line_start = false;
                pending_space = true;
                continue;
            }
            at_line_start = false;
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            map[i] = out.len();
            out.push(c);
            for k in 1..c.len_utf8() {
                map[i + k] = out.len();
            }
        }
        map[slice.len()] = out.len();
        let highlights = spans
            .iter()
            .map(|&(s, e)| [map[s - start], map[e - start].max(map[s - start])])
            .map(|[s, e]| [s.min(out.len()), e.min(out.len())])
            .map(|[s, e]| [s, out[..e].trim_end().len().max(s)])
            .collect();
        Snippet {
            text: out,
            highlights,
        }
    }

    const WORDS: &[&str] = &[
        "the",
        "council",
        "councils",
        "complaint",
        "complaints",
        "complained",
        "happy",
        "happiness",
        "ability",
        "able",
        "relational",
        "relate",
        "ico",
        "is",
        "better",
        "placed",
        "ombudsman’s",
        "ombudsman's",
        "role",
        "a",
        "of",
    ];

    proptest! {
        #[test]
        fn anchored_search_finds_what_whole_text_search_finds(
            picks in proptest::collection::vec((0..WORDS.len(), prop_oneof![Just(" "), Just("\n- "), Just(", "), Just("  "), Just("\n      \n\n   "), Just("                              ")]), 0..400),
            query in proptest::collection::vec(0..WORDS.len(), 1..4),
            stem_word in 0..WORDS.len(),
            slop in 0u32..5,
        ) {
            let text: String = picks.iter().map(|&(w, sep)| format!("{}{sep}", WORDS[w])).collect();
            let phrase_words: Vec<String> = query.iter().map(|&w| WORDS[w].replace('’', "'")).collect();
            let stem = tokenizer::words(&mut tokenizer::stemmed(), WORDS[stem_word])[0].text.clone();
            let patterns = vec![Pattern::Phrase { words: phrase_words, slop, within: None }, self::stem(&stem)];
            let (anchored, whole) = both_ways(patterns, &text);
            prop_assert_eq!(anchored, whole);
        }

        /// Fragments of text with list markers, runs of white space (some
        /// of it not ASCII) and words of several bytes, with highlights
        /// between character boundaries (overlapping, empty, in any order).
        #[test]
        fn render_gives_what_mapping_every_byte_gives(
            text in "([a-cé’]{1,4}|[ \n\r\t]{1,3}|\n- |- |\u{a0}|\u{2003}|-){0,60}",
            cuts in proptest::collection::vec((0usize..400, 0usize..400), 0..6),
            from in 0usize..400,
            to in 0usize..400,
        ) {
            let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let pick = |n: usize| bounds[n % bounds.len()];
            let (start, end) = (pick(from).min(pick(to)), pick(from).max(pick(to)));
            let inside: Vec<usize> = bounds.iter().copied().filter(|&b| b >= start && b <= end).collect();
            let spans: Vec<(usize, usize)> = cuts
                .iter()
                .map(|&(a, b)| {
                    let (a, b) = (inside[a % inside.len()], inside[b % inside.len()]);
                    (a.min(b), a.max(b))
                })
                .collect();
            prop_assert_eq!(render(&text, start, end, &spans), render_by_map(&text, start, end, &spans));
        }

        /// Over texts of three words (so that phrases repeat words, in any
        /// order) with separators of every width, a sloppy phrase is
        /// highlighted in a text exactly when it occurs there by the
        /// index's rule (checked by exhaustive search), through anchors and
        /// windows.
        #[test]
        fn a_sloppy_phrase_is_highlighted_where_the_index_finds_it(
            picks in proptest::collection::vec((0u8..3, prop_oneof![Just(" "), Just(", "), Just("\n- "), Just("                              ")]), 1..30),
            phrase in proptest::collection::vec(0u8..3, 2..5),
            slop in 1u32..5,
        ) {
            const THREE: [&str; 3] = ["time", "and", "trouble"];
            let text: String = picks.iter().map(|&(w, sep)| format!("{}{sep}", THREE[w as usize])).collect();
            let words: Vec<u8> = picks.iter().map(|&(w, _)| w).collect();
            let pattern = Pattern::Phrase {
                words: phrase.iter().map(|&w| THREE[w as usize].to_string()).collect(),
                slop,
                within: None,
            };
            let found = !Highlighter::new(vec![pattern]).find(&text, &[]).is_empty();
            let occurs = crate::search::sloppy::tests::count_by_search(&words, &phrase, slop) > 0;
            prop_assert_eq!(found, occurs, "{:?} in {:?}", phrase, text);
        }

        #[test]
        fn highlights_lie_inside_text(text in "[a-c ’'\n-]{0,300}", w in "[a-c]{1,2}") {
            let mut h = Highlighter::new(vec![phrase(&w), stem(&w)]);
            for s in h.snippets(&text, &[], 3) {
                for [a, b] in &s.highlights {
                    prop_assert!(a <= b && *b <= s.text.len());
                    prop_assert!(s.text.is_char_boundary(*a) && s.text.is_char_boundary(*b));
                }
            }
        }
    }
}
