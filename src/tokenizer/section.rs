//! The stems of a section's words, taken from the whole text: the indexing
//! analyzer of the `complaint` and `reasons` stemmed fields
//! ([`SECTION_STEMS`](super::SECTION_STEMS)).
//!
//! Those two sections are most of a decision's words, and they have no
//! exact field of their own: a phrase named in one is matched in the whole
//! text within the section's spans of word positions (`section_span`). Their
//! stemmed fields hold the stems of exactly those words. The indexer gives
//! such a field the run of the text that holds the section, where it lies
//! and the section's word ranges in it ([`section_value`]), and this
//! analyzer hands out the stems of the words in the ranges.
//!
//! tantivy indexes a document's fields in schema order on one thread, and
//! the whole text's stemmed field comes just before these two. Its stream
//! leaves the stems of every word of the text on its thread
//! ([`LAST_STEMS`], recorded by [`Recording`]); a section's stream whose
//! run is that text's at the same place copies its words' stems from there
//! instead of cutting and stemming the run again. Given any other text it
//! cuts and stems the run itself, so the tokens are always those of the
//! value given (a property test compares the two ways).

use super::CachedStemmer;
use std::cell::RefCell;
use std::ops::Range;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Opens and closes the head of a [`section_value`] (where its run lies and
/// its word ranges). A value that does not start with it is plain text, all
/// of whose words are stemmed.
const MARK: char = '\0';

/// The value a section's stemmed field is given: the words of `text` at
/// the word positions of the section's `spans` (each a byte range of
/// `text` and the positions [`word_ranges`](super::word_ranges) gives it),
/// with only as much of the text as holds them.
///
/// That is the run of text from the first span's start to the last one's
/// end when both lie where the tokenizer cuts the text first (at ASCII
/// white space, or the text's ends): its words are then exactly the whole
/// text's words there, which is what lets [`SectionStemmer`] cut it alone.
/// Otherwise (never for the parser's spans, which are whole lines) it is the
/// whole text.
pub fn section_value(text: &str, spans: &[(Range<usize>, Range<u32>)]) -> String {
    use std::fmt::Write;
    let (offset, first, run) = run_of(text, spans).unwrap_or((0, 0, text));
    let mut value = String::with_capacity(run.len() + 24 + 16 * spans.len());
    value.push(MARK);
    let _ = write!(value, "{offset}");
    for (i, (_, words)) in spans.iter().enumerate() {
        let sep = if i == 0 { ';' } else { ',' };
        let from = words.start.saturating_sub(first);
        let to = words.end.saturating_sub(first).max(from);
        let _ = write!(value, "{sep}{from}-{to}");
    }
    value.push(MARK);
    value.push_str(run);
    value
}

/// The run of text from the first of `spans` to the end of the last, with
/// where it starts (in bytes) and the position of its first word; `None`
/// unless it starts and ends where the tokenizer cuts (see
/// [`section_value`]).
fn run_of<'a>(
    text: &'a str,
    spans: &[(Range<usize>, Range<u32>)],
) -> Option<(usize, u32, &'a str)> {
    let bytes = text.as_bytes();
    let (start, words) = spans.iter().min_by_key(|(b, _)| b.start)?;
    let end = spans.iter().map(|(b, _)| b.end).max()?;
    let cut_before = |i: usize| i == 0 || bytes.get(i - 1).is_some_and(u8::is_ascii_whitespace);
    let cut_after =
        |i: usize| i == bytes.len() || bytes.get(i).is_some_and(u8::is_ascii_whitespace);
    if !(cut_before(start.start) && cut_after(end)) {
        return None;
    }
    Some((start.start, words.start, text.get(start.start..end)?))
}

/// The run of text a [`section_value`] holds, where it starts in the whole
/// text (in bytes), and its word ranges, counted from the run's first word,
/// sorted and merged where they overlap or touch; `None` for plain text (or
/// a value this module did not write).
fn parse_value<'a>(value: &'a str, ranges: &mut Vec<Range<u32>>) -> Option<(usize, &'a str)> {
    ranges.clear();
    let rest = value.strip_prefix(MARK)?;
    let (head, text) = rest.split_once(MARK)?;
    let (offset, head) = head.split_once(';').unwrap_or((head, ""));
    for range in head.split(',').filter(|r| !r.is_empty()) {
        let (start, end) = range.split_once('-')?;
        ranges.push(start.parse().ok()?..end.parse().ok()?);
    }
    // Sorted and without overlaps, so each word is handed out once.
    ranges.sort_unstable_by_key(|r| r.start);
    ranges.dedup_by(|next, kept| {
        let overlaps = next.start <= kept.end;
        if overlaps {
            kept.end = kept.end.max(next.end);
        }
        overlaps
    });
    Some((offset.parse().ok()?, text))
}

/// The stems of one text's words, in order.
#[derive(Clone, Default)]
pub(super) struct Stems {
    text: String,
    /// Every stem, one after another.
    stems: String,
    /// Per word: its byte range in `text`, and where its stem ends in
    /// `stems`.
    words: Vec<(usize, usize, usize)>,
}

impl Stems {
    fn clear(&mut self) {
        self.text.clear();
        self.stems.clear();
        self.words.clear();
    }

    fn push(&mut self, token: &Token) {
        self.stems.push_str(&token.text);
        self.words
            .push((token.offset_from, token.offset_to, self.stems.len()));
    }

    /// Word `i`: its stem and byte range.
    fn word(&self, i: usize) -> (&str, usize, usize) {
        let start = i.checked_sub(1).map_or(0, |p| self.words[p].2);
        let (from, to, end) = self.words[i];
        (&self.stems[start..end], from, to)
    }
}

thread_local! {
    /// The stems of the last text a recording stream finished on this thread.
    static LAST_STEMS: RefCell<Stems> = RefCell::default();
}

/// Writes down the stems a stream of the whole text hands out, and leaves
/// them for the sections ([`LAST_STEMS`]) once it reaches the end of the
/// text. A stream left unfinished leaves nothing.
#[derive(Clone, Default)]
pub(super) struct Recording {
    stems: Stems,
}

impl Recording {
    /// Starts writing down the stems of `text`.
    pub(super) fn start(&mut self, text: &str) {
        self.stems.clear();
        self.stems.text.push_str(text);
    }

    /// The next word's stem.
    pub(super) fn push(&mut self, token: &Token) {
        self.stems.push(token);
    }

    /// The end of the text: leaves its stems for the sections.
    pub(super) fn finish(&mut self) {
        LAST_STEMS.with(|last| std::mem::swap(&mut *last.borrow_mut(), &mut self.stems));
    }
}

/// The indexing analyzer of a spanned section's stemmed field: the stems of
/// the words a [`section_value`] names (of all words, for plain text).
#[derive(Clone, Default)]
pub struct SectionStemmer {
    /// Cuts and stems a run not found among the last recorded stems.
    stemmer: CachedStemmer,
    ranges: Vec<Range<u32>>,
    /// The stems to hand out, found when the stream is made.
    out: Stems,
    token: Token,
}

impl SectionStemmer {
    /// The stems of the words of `text` whose positions lie in `ranges`
    /// (sorted), or of all its words, cut and stemmed here.
    fn cut(&mut self, text: &str, ranges: Option<&[Range<u32>]>) {
        let mut stream = self.stemmer.token_stream(text);
        let mut next_range = 0;
        let mut position = 0u32;
        while stream.advance() {
            let at = position;
            position += 1;
            if let Some(ranges) = ranges {
                while ranges.get(next_range).is_some_and(|r| r.end <= at) {
                    next_range += 1;
                }
                match ranges.get(next_range) {
                    Some(r) if r.start <= at => {}
                    Some(_) => continue,
                    None => break,
                }
            }
            self.out.push(stream.token());
        }
    }
}

/// Copies the stems of the words in `ranges` (sorted, counted from the
/// first word of `run`) from the last recorded text into `out`; false,
/// copying nothing, unless that text holds `run` at byte `offset`.
fn replay(offset: usize, run: &str, ranges: &[Range<u32>], out: &mut Stems) -> bool {
    LAST_STEMS.with(|last| {
        let last = last.borrow();
        let end = offset.saturating_add(run.len());
        if last.text.get(offset..end) != Some(run) {
            return false;
        }
        // The run's words: those starting within it.
        let first = last.words.partition_point(|w| w.0 < offset);
        let after = last.words.partition_point(|w| w.0 < end);
        for r in ranges {
            let to = (first + r.end as usize).min(after);
            for i in (first + r.start as usize).min(to)..to {
                let (stem, from, to) = last.word(i);
                out.stems.push_str(stem);
                out.words.push((from, to, out.stems.len()));
            }
        }
        true
    })
}

impl Tokenizer for SectionStemmer {
    type TokenStream<'a> = SectionStemStream<'a>;

    fn token_stream<'a>(&'a mut self, value: &'a str) -> SectionStemStream<'a> {
        self.token.reset();
        self.out.clear();
        let mut ranges = std::mem::take(&mut self.ranges);
        match parse_value(value, &mut ranges) {
            Some((offset, run)) => {
                if !replay(offset, run, &ranges, &mut self.out) {
                    self.cut(run, Some(&ranges));
                }
            }
            None => self.cut(value, None),
        }
        self.ranges = ranges;
        SectionStemStream {
            out: &self.out,
            next: 0,
            token: &mut self.token,
        }
    }
}

/// The stream produced by [`SectionStemmer`].
pub struct SectionStemStream<'a> {
    out: &'a Stems,
    next: usize,
    token: &'a mut Token,
}

impl TokenStream for SectionStemStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next >= self.out.words.len() {
            return false;
        }
        let (stem, from, to) = self.out.word(self.next);
        self.next += 1;
        self.token.text.clear();
        self.token.text.push_str(stem);
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::{stemmed, words};
    use proptest::prelude::*;

    /// The stems of the words of `text` at the positions in `ranges`, as
    /// the query side's stemmed analyzer gives them.
    fn reference(text: &str, ranges: &[Range<u32>]) -> Vec<String> {
        words(&mut stemmed(), text)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| ranges.iter().any(|r| r.contains(&(*i as u32))))
            .map(|(_, w)| w.text)
            .collect()
    }

    fn stems(analyzer: &mut SectionStemmer, value: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(value);
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    /// Runs the whole text's recording stemmed stream over `text`, as the
    /// indexer does just before the sections.
    fn record(text: &str) {
        let mut whole = CachedStemmer::recording(crate::tokenizer::WordTokenizer::sharing());
        let mut stream = whole.token_stream(text);
        while stream.advance() {}
    }

    /// A section over the byte ranges `bytes` of `text`, as the indexer
    /// makes it: with their word positions.
    fn value(text: &str, bytes: &[Range<usize>]) -> String {
        let spans: Vec<(Range<usize>, Range<u32>)> =
            bytes.iter().cloned().zip(positions(text, bytes)).collect();
        section_value(text, &spans)
    }

    /// The word positions of the byte ranges `bytes` of `text`.
    fn positions(text: &str, bytes: &[Range<usize>]) -> Vec<Range<u32>> {
        let pairs: Vec<(usize, usize)> = bytes.iter().map(|b| (b.start, b.end)).collect();
        crate::tokenizer::word_ranges(text, &pairs)
    }

    #[test]
    fn a_section_gets_the_stems_of_its_words_replayed_or_cut() {
        let text = "Summary: delays.\n\
                    1. Mrs X complains the Council’s decisions were delayed.\n\
                    Role and powers.\n\
                    2. The council's officers apologised; decisions followed.\n\
                    Final decision.";
        let line = |n: usize| {
            let start: usize = text.split_inclusive('\n').take(n).map(str::len).sum();
            start..start + text[start..].find('\n').unwrap_or(text.len() - start)
        };
        let bytes = [line(1), line(3)];
        let run = value(text, &bytes);
        // Only the run from the first line to the last is copied.
        assert!(run.ends_with("\n2. The council's officers apologised; decisions followed."));
        assert!(!run.contains("Summary") && !run.contains("Final"));
        let want = reference(text, &positions(text, &bytes));
        assert_eq!(
            want,
            [
                "1", "mrs", "x", "complain", "the", "council", "decis", "were", "delay", "2",
                "the", "council", "offic", "apologis", "decis", "follow"
            ]
        );
        let mut section = SectionStemmer::default();
        // Nothing recorded for this text: cut here.
        assert_eq!(stems(&mut section, &run), want);
        record(text);
        assert_eq!(stems(&mut section, &run), want);
        // The next section of the same text is replayed too.
        let last = value(text, &[line(4)]);
        assert_eq!(stems(&mut section, &last), ["final", "decis"]);
        // A span that starts or ends inside a word's piece: the whole text.
        let whole = value(text, std::slice::from_ref(&(3..15)));
        assert!(whole.ends_with(text));
        assert_eq!(stems(&mut section, &whole), ["delay"]);
        record("another text");
        assert_eq!(stems(&mut section, &run), want);
    }

    #[test]
    fn plain_text_has_every_word_stemmed() {
        let mut section = SectionStemmer::default();
        let text = "Complaints about complaining";
        assert_eq!(
            stems(&mut section, text),
            reference(text, std::slice::from_ref(&(0..u32::MAX)))
        );
        // A mark without its closing one, or ranges that are not numbers:
        // the whole value is plain text.
        assert_eq!(stems(&mut section, "\0delays"), ["delay"]);
        assert_eq!(stems(&mut section, "\0a-b\0delays"), ["a", "b", "delay"]);
    }

    #[test]
    fn the_values_ranges_read_back() {
        let mut ranges = Vec::new();
        let text = "a b \0c\0 d e";
        let spans = [(2..3, 1..2), (4..7, 2..3), (8..11, 3..5), (2..3, 1..1)];
        let value = section_value(text, &spans);
        assert_eq!(parse_value(&value, &mut ranges), Some((2, "b \0c\0 d e")));
        assert_eq!(ranges, std::slice::from_ref(&(0..4)));
        let value = section_value("", &[]);
        assert_eq!(parse_value(&value, &mut ranges), Some((0, "")));
        assert!(ranges.is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn replayed_and_cut_stems_agree(
            words in proptest::collection::vec("[a-zA-Z’']{1,9}|[0-9]{1,3}|[ .,;\n-]{1,2}", 0..60),
            spans in proptest::collection::vec((0usize..400, 0usize..80), 0..4),
            whole_pieces in proptest::bool::ANY,
        ) {
            let text: String = words.join(" ");
            // Byte ranges anywhere (whole pieces or not), on character boundaries.
            let floor = |mut i: usize| {
                i = i.min(text.len());
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                i
            };
            let space = |b: &u8| b.is_ascii_whitespace();
            // Or widened to whole pieces, as the parser's lines are.
            let widen = |r: Range<usize>| {
                let bytes = text.as_bytes();
                let start = bytes[..r.start].iter().rposition(space).map_or(0, |i| i + 1);
                let end = bytes[r.end..].iter().position(space).map_or(bytes.len(), |i| r.end + i);
                start..end
            };
            let bytes: Vec<Range<usize>> = spans
                .iter()
                .map(|&(s, n)| floor(s)..floor(s + n).max(floor(s)))
                .map(|r| if whole_pieces { widen(r) } else { r })
                .collect();
            let value = value(&text, &bytes);
            let mut section = SectionStemmer::default();
            record("");
            let cut = stems(&mut section, &value);
            record(&text);
            let replayed = stems(&mut section, &value);
            prop_assert_eq!(&cut, &replayed);
            prop_assert_eq!(cut, reference(&text, &positions(&text, &bytes)));
        }
    }
}
