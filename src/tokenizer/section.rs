//! The stems of a section's words, taken from the whole text: the indexing
//! analyzer of the `complaint` and `reasons` stemmed fields
//! ([`SECTION_STEMS`](super::SECTION_STEMS)).
//!
//! Those two sections are most of a decision's words, and they have no
//! exact field of their own: a phrase named in one is matched in the whole
//! text within the section's spans of word positions (`section_span`). Their
//! stemmed fields hold the stems of exactly those words. The indexer gives
//! such a field the whole text and the section's word ranges together
//! ([`section_value`]), and this analyzer hands out the stems of the words
//! in the ranges.
//!
//! tantivy indexes a document's fields in schema order on one thread, and
//! the whole text's stemmed field comes just before these two. Its stream
//! leaves the stems of every word of the text on its thread
//! ([`LAST_STEMS`], recorded by [`Recording`]); a section's stream over the
//! same text copies its words' stems from there instead of cutting and
//! stemming the text again (a quarter of a build's time). Given any other
//! text it cuts and stems it itself, so the tokens are always those of the
//! value given (a property test compares the two ways).

use super::{StemCache, WordTokenizer};
use std::cell::RefCell;
use std::ops::Range;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Opens and closes the word ranges at the start of a [`section_value`]
/// (never the first character of a decision's text: a value without it is
/// plain text, all of whose words are stemmed).
const MARK: char = '\0';

/// The value a section's stemmed field is given: the word positions
/// `ranges` (as [`word_ranges`](super::word_ranges) numbers the words of
/// `text`) and the whole text.
pub fn section_value(text: &str, ranges: &[Range<u32>]) -> String {
    use std::fmt::Write;
    let mut value = String::with_capacity(text.len() + 2 + 16 * ranges.len());
    value.push(MARK);
    for (i, r) in ranges.iter().enumerate() {
        let sep = if i == 0 { "" } else { "," };
        let _ = write!(value, "{sep}{}-{}", r.start, r.end);
    }
    value.push(MARK);
    value.push_str(text);
    value
}

/// The word ranges and the text of a [`section_value`], the ranges sorted
/// and merged where they overlap or touch; `None` for plain text (or a value this module did not write).
fn parse_value<'a>(value: &'a str, ranges: &mut Vec<Range<u32>>) -> Option<&'a str> {
    ranges.clear();
    let rest = value.strip_prefix(MARK)?;
    let (head, text) = rest.split_once(MARK)?;
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
    Some(text)
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
    words: WordTokenizer,
    cache: StemCache,
    ranges: Vec<Range<u32>>,
    /// The stems to hand out, found when the stream is made.
    out: Stems,
    token: Token,
}

impl SectionStemmer {
    /// The stems of the words of `text` whose positions lie in `ranges`
    /// (sorted), or of all its words, cut and stemmed here.
    fn cut(&mut self, text: &str, ranges: Option<&[Range<u32>]>) {
        let mut stream = self.words.token_stream(text);
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
            let token = stream.token_mut();
            self.cache.stem_in_place(&mut token.text);
            self.out.push(token);
        }
    }
}

/// Copies the stems of the words in `ranges` (sorted) from the last
/// recorded text into `out`; false, copying nothing, if that text is not
/// `text`.
fn replay(text: &str, ranges: &[Range<u32>], out: &mut Stems) -> bool {
    LAST_STEMS.with(|last| {
        let last = last.borrow();
        if last.text != text {
            return false;
        }
        let count = last.words.len();
        for r in ranges {
            let end = (r.end as usize).min(count);
            for i in (r.start as usize).min(end)..end {
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
            Some(text) => {
                if !replay(text, &ranges, &mut self.out) {
                    self.cut(text, Some(&ranges));
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
        let mut whole = crate::tokenizer::CachedStemmer::over(WordTokenizer::sharing());
        let mut stream = whole.token_stream(text);
        while stream.advance() {}
    }

    #[test]
    fn a_section_gets_the_stems_of_its_words_replayed_or_cut() {
        let text = "1. Mrs X complains the Council’s decisions were delayed.\n\
                    2. The council's officers apologised; decisions followed.";
        let ranges = [2..6, 10..14];
        let value = section_value(text, &ranges);
        let want = reference(text, &ranges);
        assert_eq!(
            want,
            [
                "x", "complain", "the", "council", "the", "council", "offic", "apologis"
            ]
        );
        let mut section = SectionStemmer::default();
        // Nothing recorded for this text: cut here.
        assert_eq!(stems(&mut section, &value), want);
        record(text);
        assert_eq!(stems(&mut section, &value), want);
        // The next section of the same text is replayed too.
        assert_eq!(
            stems(
                &mut section,
                &section_value(text, std::slice::from_ref(&(0..1)))
            ),
            ["1"]
        );
        // Ranges beyond the words, empty or out of order are kept to the words.
        assert_eq!(
            stems(
                &mut section,
                &section_value(text, &[20..30, 5..5, 15..99, 0..1])
            ),
            ["1", "follow"]
        );
        record("another text");
        assert_eq!(stems(&mut section, &value), want);
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
        let value = section_value("\0text\0", &[3..9, 0..2, 12..14, 8..10]);
        assert_eq!(parse_value(&value, &mut ranges), Some("\0text\0"));
        assert_eq!(ranges, [0..2, 3..10, 12..14]);
        assert_eq!(parse_value(&section_value("", &[]), &mut ranges), Some(""));
        assert!(ranges.is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn replayed_and_cut_stems_agree(
            words in proptest::collection::vec("[a-zA-Z’']{1,9}|[0-9]{1,3}|[ .,;\n-]{1,2}", 0..60),
            ranges in proptest::collection::vec((0u32..40, 0u32..12), 0..4),
        ) {
            let text: String = words.join(" ");
            let ranges: Vec<Range<u32>> = ranges.iter().map(|&(s, n)| s..s + n).collect();
            let value = section_value(&text, &ranges);
            let mut section = SectionStemmer::default();
            record("");
            let cut = stems(&mut section, &value);
            record(&text);
            let replayed = stems(&mut section, &value);
            prop_assert_eq!(&cut, &replayed);
            prop_assert_eq!(cut, reference(&text, &ranges));
        }
    }
}
