//! The one tokenizer shared by indexing, querying and highlighting.
//!
//! Decisions mix straight and curly apostrophes (`Ombudsman's` in headers,
//! `Ombudsman’s` in bodies), non-breaking hyphens, en dashes and NBSPs. A
//! search must not care which a writer used, so every text field is cut into
//! words by Unicode word boundaries (UAX #29) and each word is lower-cased
//! with `’`, `‘` and `ʼ` folded to `'`. No stop words are removed: phrases
//! such as "time and trouble" must match exactly.
//!
//! UAX #29 keeps the tokens a legal text needs: `24A` stays one word (`24a`),
//! `1,240` in `£1,240` stays one number, `Ombudsman's` one word. A hyphen (or
//! U+2011, or an en dash) separates words, so `low‑priority` and
//! `low-priority` give the same two tokens.
//!
//! Three analyzers are registered on every index:
//! - [`EXACT`]: the words as above.
//! - [`EXACT_PAIRS`] (the whole text only): the words, plus *common grams*: wherever one of two
//!   adjacent words is a [`COMMON_WORDS`] word, the pair is indexed too, as
//!   one term (`of the`) at the first word's position (as Lucene's
//!   CommonGrams filter does). Phrases are matched here: a phrase is looked
//!   up by its pairs ([`phrase_terms`]), so "within three months of the
//!   final decision" reads the short position lists of `months of`, `of the`
//!   and `the final` instead of the hundreds of positions of `the` and `of`
//!   in every decision. The query side cuts words with the same tokenizer
//!   ([`exact`]) and forms the pairs with the same list.
//! - [`STEMMED`]: the same words through the English Snowball stemmer, so an
//!   unquoted `complaints` also finds `complaint`.
//! - [`SECTION_STEMS`] (the `complaint` and `reasons` stemmed fields): the
//!   stems of the whole text's words within the section's word ranges
//!   ([`section_value`], [`SectionStemmer`]).
//!
//! ## Speed
//!
//! Tokenizing is most of the cost of indexing, so three shortcuts give exactly
//! the reference result faster (property tests compare them):
//! - UAX #29 always breaks at ASCII white space, so the text is cut there
//!   first; an all-ASCII piece is split by the handful of UAX #29 rules that
//!   can apply to ASCII ([`ascii_words`]); any other piece goes through
//!   `unicode-segmentation`. (One deliberate difference: UAX #29 glues a
//!   combining mark that follows a space onto the space; here the mark
//!   starts a word of its own, so no token ever begins with a space.)
//! - The stemmed tokenizer remembers each word's stem ([`CachedStemmer`]):
//!   decisions repeat the same few thousand words, and the Snowball stemmer
//!   is then called once per distinct word rather than once per occurrence.
//! - The indexing analyzers ([`register`]) cut each text into words once
//!   for both of its fields: the exact field's stream leaves its words to
//!   the stemmed twin's, which tantivy runs next on the same thread over the
//!   same text (`Words`). The whole text's stemmed stream leaves its stems
//!   in turn for the sections that follow it ([`SectionStemmer`]).

mod section;
mod stem;

pub use section::{SectionStemmer, section_value};
pub use stem::{StemCache, WordStemmer};

use tantivy::Index;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use unicode_segmentation::UnicodeSegmentation;

/// Name under which the exact analyzer is registered.
pub const EXACT: &str = "ombud_exact";
/// Name under which the exact analyzer with common pairs is registered.
pub const EXACT_PAIRS: &str = "ombud_exact_pairs";
/// Name under which the stemmed analyzer is registered.
pub const STEMMED: &str = "ombud_stem";
/// Name under which the whole text's stemmed analyzer is registered: the
/// stemmed analyzer, which also leaves its stems for the sections that
/// follow (see [`SectionStemmer`]).
pub const TEXT_STEMS: &str = "ombud_text_stem";
/// Name under which the analyzer of the spanned sections' stemmed fields is
/// registered (see [`SectionStemmer`]).
pub const SECTION_STEMS: &str = "ombud_section_stem";

/// Words longer than this (in bytes) are dropped: they are never real words
/// and would bloat the term dictionary (binary junk, long URLs).
const MAX_TOKEN_BYTES: usize = 80;

/// Words so frequent in decisions that phrases holding them are looked up
/// by word pairs (see the module header). Sorted, for binary search.
pub const COMMON_WORDS: &[&str] = &[
    "a", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "council", "decision",
    "did", "do", "for", "from", "had", "has", "have", "he", "her", "his", "i", "if", "in", "is",
    "it", "its", "me", "miss", "mr", "mrs", "ms", "my", "no", "not", "of", "on", "or", "our",
    "she", "should", "so", "that", "the", "their", "there", "they", "this", "to", "us", "was",
    "we", "were", "which", "will", "with", "would", "x", "y", "you",
];

/// For each first byte, a bit per length (1 to 63) of the [`COMMON_WORDS`]
/// starting with it: most words of a text are ruled out by one look-up,
/// without a search (this test runs for every word indexed).
const COMMON_SHAPES: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut i = 0;
    while i < COMMON_WORDS.len() {
        let word = COMMON_WORDS[i].as_bytes();
        table[word[0] as usize] |= 1 << word.len();
        i += 1;
    }
    table
};

/// Whether `word` (normalised) is one of [`COMMON_WORDS`].
pub fn is_common(word: &str) -> bool {
    let bytes = word.as_bytes();
    let shape_known = bytes.first().is_some_and(|&first| {
        bytes.len() < 64 && COMMON_SHAPES[usize::from(first)] & (1 << bytes.len()) != 0
    });
    // Every common word fits in 8 bytes, so the shape rules longer ones out.
    shape_known && COMMON_PACKED.binary_search(&pack(bytes)).is_ok()
}

/// Up to 8 bytes as one number, big-endian, zero-padded: numbers compare as
/// the words do (none holds a zero byte), without a call to `memcmp` (this
/// runs for every word indexed).
const fn pack(bytes: &[u8]) -> u64 {
    let mut value = 0u64;
    let mut i = 0;
    while i < 8 {
        value <<= 8;
        if i < bytes.len() {
            value |= bytes[i] as u64;
        }
        i += 1;
    }
    value
}

/// [`COMMON_WORDS`] packed ([`pack`]), in the same (ascending) order.
const COMMON_PACKED: [u64; COMMON_WORDS.len()] = {
    let mut table = [0u64; COMMON_WORDS.len()];
    let mut i = 0;
    while i < COMMON_WORDS.len() {
        assert!(
            COMMON_WORDS[i].len() <= 8,
            "a common word longer than 8 bytes"
        );
        table[i] = pack(COMMON_WORDS[i].as_bytes());
        i += 1;
    }
    table
};

/// Turns `first`, a word, into the term indexed for it and the adjacent
/// `second` word, one of them common. Words never hold a space, so a pair
/// never equals a word.
pub fn append_pair(first: &mut String, second: &str) {
    first.push(' ');
    first.push_str(second);
}

/// The terms, with their offsets, by which the exact phrase `words` is
/// looked up in an [`EXACT_PAIRS`] field: pairs of adjacent words one of
/// which is common, and each word that is in no such pair. A pair whose two
/// words are both covered by the pairs on either side is left out (`we do`,
/// `not start`, `or continue` and `an investigation` pin down "we do not
/// start or continue an investigation"), so fewer position lists are read.
pub fn phrase_terms(words: &[String]) -> Vec<(usize, String)> {
    let paired: Vec<bool> = words
        .windows(2)
        .map(|w| is_common(&w[0]) || is_common(&w[1]))
        .collect();
    let mut keep = paired.clone();
    for i in 1..keep.len().saturating_sub(1) {
        if keep[i] && keep[i - 1] && paired[i + 1] {
            keep[i] = false;
        }
    }
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let covered_before = i > 0 && keep[i - 1];
        if keep.get(i).copied().unwrap_or(false) {
            let mut term = word.clone();
            append_pair(&mut term, &words[i + 1]);
            out.push((i, term));
        } else if !covered_before {
            out.push((i, word.clone()));
        }
    }
    out
}

/// Splits text on Unicode word boundaries and normalises each word.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
    spans: Vec<(usize, usize)>,
    /// Whether its streams pass their words on to the next stream over the
    /// same text on this thread (see [`Words`]); set for indexing only.
    share: bool,
    /// The words being recorded or replayed (buffers reused between texts).
    words: Words,
}

impl WordTokenizer {
    /// A tokenizer whose streams share their words through [`Words`]: the
    /// indexer cuts each text twice, for its exact field and then for its
    /// stemmed twin, and the second time replays the first one's words.
    fn sharing() -> WordTokenizer {
        WordTokenizer {
            share: true,
            ..WordTokenizer::default()
        }
    }
}

/// The words of one text, in the order a stream handed them out.
///
/// tantivy indexes a document's fields in schema order on one thread, and
/// every text field is followed by its stemmed twin over the same text, so
/// the indexer cuts each text into words twice in a row. A sharing stream
/// that reaches the end of its text leaves its words here for its thread
/// ([`LAST_WORDS`]); the next sharing stream over the same text takes them
/// instead of cutting the text again. Any other text is cut as usual, so
/// the tokens are always those of the text given.
#[derive(Clone, Default)]
struct Words {
    text: String,
    /// Per word: its byte range in `text`, and where its normalised form
    /// ends in `normalised`.
    words: Vec<(usize, usize, usize)>,
    normalised: String,
}

thread_local! {
    /// The words of the last text a sharing stream finished on this thread.
    static LAST_WORDS: std::cell::RefCell<Words> = std::cell::RefCell::default();
}

/// What a stream does with [`Words`].
enum Sharing<'a> {
    Off,
    /// Cutting the text and writing down its words.
    Record(&'a mut Words),
    /// Handing out the words another stream wrote down; the next one's index.
    Replay(&'a Words, usize),
}

/// The stream produced by [`WordTokenizer`].
pub struct WordTokenStream<'a> {
    text: &'a str,
    /// Where the next white-space-separated piece starts.
    cursor: usize,
    /// Word spans of the current piece, and the next one to hand out.
    spans: &'a mut Vec<(usize, usize)>,
    next_span: usize,
    token: &'a mut Token,
    sharing: Sharing<'a>,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.token.reset();
        self.spans.clear();
        let sharing = if !self.share {
            Sharing::Off
        } else if take_last_words(text, &mut self.words) {
            Sharing::Replay(&self.words, 0)
        } else {
            self.words.text.clear();
            self.words.text.push_str(text);
            self.words.words.clear();
            self.words.normalised.clear();
            Sharing::Record(&mut self.words)
        };
        WordTokenStream {
            text,
            cursor: 0,
            spans: &mut self.spans,
            next_span: 0,
            token: &mut self.token,
            sharing,
        }
    }
}

/// Moves this thread's last words into `into` if they are the words of
/// `text` (`into`'s old buffers go back, marked as no text's words).
fn take_last_words(text: &str, into: &mut Words) -> bool {
    LAST_WORDS.with(|last| {
        let mut last = last.borrow_mut();
        if last.text != text {
            return false;
        }
        std::mem::swap(&mut *last, into);
        last.text.clear();
        last.words.clear();
        true
    })
}

impl WordTokenStream<'_> {
    /// Loads the word spans of the next piece; false at the end of the text.
    fn next_piece(&mut self) -> bool {
        let Some((start, end)) = piece_after(self.text, self.cursor) else {
            self.cursor = self.text.len();
            return false;
        };
        self.cursor = end;
        self.spans.clear();
        self.next_span = 0;
        piece_words(self.text, start, end, self.spans);
        true
    }
}

/// The first piece of `text` from byte `cursor` on: a run of bytes without
/// ASCII white space, as `(start, end)`; `None` at the end of the text.
fn piece_after(text: &str, cursor: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let start = cursor
        + bytes
            .get(cursor..)?
            .iter()
            .position(|b| !b.is_ascii_whitespace())?;
    let end = bytes[start..]
        .iter()
        .position(u8::is_ascii_whitespace)
        .map_or(bytes.len(), |p| start + p);
    Some((start, end))
}

/// The byte ranges of the words of `text[start..end]`, a piece without
/// ASCII white space, appended to `out`.
fn piece_words(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let piece = &text[start..end];
    if piece.is_ascii() {
        ascii_words(piece.as_bytes(), start, out);
    } else {
        for (i, w) in piece.split_word_bound_indices() {
            if w.chars().any(char::is_alphanumeric) {
                out.push((start + i, start + i + w.len()));
            }
        }
    }
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if let Sharing::Replay(words, next) = &mut self.sharing {
            let Some(&(from, to, end)) = words.words.get(*next) else {
                return false;
            };
            let start = next.checked_sub(1).map_or(0, |i| words.words[i].2);
            *next += 1;
            self.token.text.clear();
            self.token.text.push_str(&words.normalised[start..end]);
            self.token.offset_from = from;
            self.token.offset_to = to;
            self.token.position = self.token.position.wrapping_add(1);
            return true;
        }
        loop {
            while self.next_span < self.spans.len() {
                let (from, to) = self.spans[self.next_span];
                self.next_span += 1;
                if to - from > MAX_TOKEN_BYTES {
                    continue;
                }
                self.token.text.clear();
                normalise_into(&self.text[from..to], &mut self.token.text);
                self.token.offset_from = from;
                self.token.offset_to = to;
                self.token.position = self.token.position.wrapping_add(1);
                if let Sharing::Record(words) = &mut self.sharing {
                    words.normalised.push_str(&self.token.text);
                    words.words.push((from, to, words.normalised.len()));
                }
                return true;
            }
            if !self.next_piece() {
                if let Sharing::Record(words) = std::mem::replace(&mut self.sharing, Sharing::Off) {
                    // The whole text is cut: leave its words for the next stream.
                    LAST_WORDS.with(|last| std::mem::swap(&mut *last.borrow_mut(), words));
                }
                return false;
            }
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// UAX #29 word classes of the ASCII characters that matter.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    /// `_` (ExtendNumLet).
    Underscore,
    /// `:` (MidLetter): joins letters only.
    MidLetter,
    /// `.` and `'` (MidNumLet, Single_Quote): join letters, and digits.
    MidNumLet,
    /// `,` and `;` (MidNum): join digits only.
    MidNum,
    Other,
}

const fn class(b: u8) -> Class {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' => Class::Letter,
        b'0'..=b'9' => Class::Digit,
        b'_' => Class::Underscore,
        b':' => Class::MidLetter,
        b'.' | b'\'' => Class::MidNumLet,
        b',' | b';' => Class::MidNum,
        _ => Class::Other,
    }
}

/// The word spans (those holding a letter or digit) of an all-ASCII piece
/// with no white space, by the UAX #29 rules that apply to ASCII: letters,
/// digits and `_` join (WB5, WB8–WB10, WB13a/b); `:` `.` `'` join letter to
/// letter (WB6/7); `.` `'` `,` `;` join digit to digit (WB11/12); anything
/// else stands alone. `offset` is added to every span.
pub fn ascii_words(piece: &[u8], offset: usize, out: &mut Vec<(usize, usize)>) {
    let n = piece.len();
    let is_word = |b: u8| {
        matches!(
            CLASSES[usize::from(b)],
            Class::Letter | Class::Digit | Class::Underscore
        )
    };
    let mut i = 0;
    while i < n {
        if !is_word(piece[i]) {
            i += 1;
            continue;
        }
        let start = i;
        loop {
            // A run of letters, digits and `_`, from the word byte at `i`.
            i += 1;
            while i < n && is_word(piece[i]) {
                i += 1;
            }
            // `piece[i]` ends the run; it joins the run to the next one
            // when it stands between two letters or two digits.
            if i + 1 < n {
                let (cur, next, after) = (
                    CLASSES[usize::from(piece[i - 1])],
                    CLASSES[usize::from(piece[i])],
                    CLASSES[usize::from(piece[i + 1])],
                );
                let joins_letters = cur == Class::Letter
                    && after == Class::Letter
                    && matches!(next, Class::MidLetter | Class::MidNumLet);
                let joins_digits = cur == Class::Digit
                    && after == Class::Digit
                    && matches!(next, Class::MidNum | Class::MidNumLet);
                if joins_letters || joins_digits {
                    i += 1;
                    continue;
                }
            }
            break;
        }
        // A word counts if it holds a letter or digit: only one of `_`
        // alone does not (a join stands between letters or digits).
        if piece[start] != b'_' || piece[start..i].iter().any(|&b| b != b'_') {
            out.push((offset + start, offset + i));
        }
    }
}

/// [`class`] of every byte, looked up once per byte of a text.
const CLASSES: [Class; 256] = {
    let mut table = [Class::Other; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = class(b as u8);
        b += 1;
    }
    table
};

/// Lower-cases `word` and folds apostrophe variants to `'`, appending to `out`.
pub fn normalise_into(word: &str, out: &mut String) {
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
        return;
    }
    for c in word.chars() {
        match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => out.push('\''),
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// [`WordTokenizer`] followed by the English Snowball stemmer, remembering
/// every word's stem.
#[derive(Clone, Default)]
pub struct CachedStemmer {
    words: WordTokenizer,
    stems: StemCache,
    /// Where its streams write down their stems for the sections (see
    /// [`SectionStemmer`]); `None` but for the whole text's analyzer
    /// ([`TEXT_STEMS`]), whose stems are the only ones the sections read.
    recording: Option<section::Recording>,
}

impl CachedStemmer {
    /// Stems the words `words` cuts.
    fn over(words: WordTokenizer) -> CachedStemmer {
        CachedStemmer {
            words,
            ..CachedStemmer::default()
        }
    }

    /// Stems the words `words` cuts, and leaves the stems of each text it
    /// finishes for the sections ([`SectionStemmer`]).
    fn recording(words: WordTokenizer) -> CachedStemmer {
        CachedStemmer {
            recording: Some(section::Recording::default()),
            ..CachedStemmer::over(words)
        }
    }
}

/// The stream produced by [`CachedStemmer`].
pub struct CachedStemStream<'a> {
    inner: WordTokenStream<'a>,
    stems: &'a mut StemCache,
    recording: Option<&'a mut section::Recording>,
}

impl Tokenizer for CachedStemmer {
    type TokenStream<'a> = CachedStemStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CachedStemStream<'a> {
        if let Some(recording) = &mut self.recording {
            recording.start(text);
        }
        CachedStemStream {
            inner: self.words.token_stream(text),
            stems: &mut self.stems,
            recording: self.recording.as_mut(),
        }
    }
}

impl TokenStream for CachedStemStream<'_> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            if let Some(recording) = self.recording.take() {
                recording.finish();
            }
            return false;
        }
        self.stems.stem_in_place(&mut self.inner.token_mut().text);
        if let Some(recording) = &mut self.recording {
            recording.push(self.inner.token());
        }
        true
    }

    fn token(&self) -> &Token {
        self.inner.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

/// [`WordTokenizer`] that also emits the pair of each two adjacent words one
/// of which is common, at the first word's position (for indexing).
#[derive(Clone, Default)]
pub struct PairTokenizer {
    words: WordTokenizer,
    ahead: Token,
    token: Token,
}

impl PairTokenizer {
    /// Pairs the words `words` cuts.
    fn over(words: WordTokenizer) -> PairTokenizer {
        PairTokenizer {
            words,
            ..PairTokenizer::default()
        }
    }
}

/// The stream produced by [`PairTokenizer`].
pub struct PairTokenStream<'a> {
    inner: WordTokenStream<'a>,
    /// The word after the one last handed out, read ahead.
    ahead: &'a mut Token,
    has_ahead: bool,
    /// Whether `ahead` is a common word (each word is tested once).
    ahead_common: bool,
    /// Whether the next token is the pair of the last word and `ahead`.
    pair_next: bool,
    token: &'a mut Token,
}

impl Tokenizer for PairTokenizer {
    type TokenStream<'a> = PairTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> PairTokenStream<'a> {
        self.token.reset();
        PairTokenStream {
            inner: self.words.token_stream(text),
            ahead: &mut self.ahead,
            has_ahead: false,
            ahead_common: false,
            pair_next: false,
            token: &mut self.token,
        }
    }
}

impl TokenStream for PairTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.pair_next {
            self.pair_next = false;
            append_pair(&mut self.token.text, &self.ahead.text);
            self.token.offset_to = self.ahead.offset_to;
            self.token.position_length = 2;
            return true;
        }
        let common = if self.has_ahead {
            // The word read ahead becomes the token; `ahead` is refilled below
            // (or left unused at the end of the text).
            std::mem::swap(self.token, self.ahead);
            self.ahead_common
        } else if self.inner.advance() {
            copy_token(self.inner.token(), self.token);
            is_common(&self.token.text)
        } else {
            return false;
        };
        self.has_ahead = self.inner.advance();
        if self.has_ahead {
            copy_token(self.inner.token(), self.ahead);
            self.ahead_common = is_common(&self.ahead.text);
            self.pair_next = common || self.ahead_common;
        }
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Copies `from` into `to`, keeping `to`'s text buffer: `Token`'s derived
/// `clone_from` allocates a new one of the text's exact length, which the
/// pair appended next must then grow (a `malloc`, a `realloc` and a `free`
/// per word, 5% of a build's instructions).
fn copy_token(from: &Token, to: &mut Token) {
    to.text.clear();
    to.text.push_str(&from.text);
    to.offset_from = from.offset_from;
    to.offset_to = from.offset_to;
    to.position = from.position;
    to.position_length = from.position_length;
}

/// The exact analyzer for queries and highlighting: words, lower-cased,
/// apostrophes folded.
pub fn exact() -> TextAnalyzer {
    WordTokenizer::default().into()
}

/// The exact analyzer for indexing: [`exact`]'s words and the common pairs.
pub fn exact_with_pairs() -> TextAnalyzer {
    PairTokenizer::over(WordTokenizer::default()).into()
}

/// The stemmed analyzer: [`exact`] followed by the English stemmer.
pub fn stemmed() -> TextAnalyzer {
    CachedStemmer::over(WordTokenizer::default()).into()
}

/// The word positions, as [`exact`] numbers the words of `text`, of the
/// words lying within each byte range of `ranges`: first position to end
/// (exclusive), empty when no word lies there. The words are cut as
/// [`exact`] cuts them, without being normalised (a test compares the two).
pub fn word_ranges(text: &str, ranges: &[(usize, usize)]) -> Vec<std::ops::Range<u32>> {
    let last = ranges.iter().map(|&(_, end)| end).max().unwrap_or(0);
    // The first byte of every word up to the last range's end, in order:
    // a word's position is its index here.
    let mut starts: Vec<usize> = Vec::with_capacity(last / 6);
    let mut spans = Vec::new();
    let mut cursor = 0;
    while let Some((start, end)) = piece_after(text, cursor).filter(|&(start, _)| start < last) {
        spans.clear();
        piece_words(text, start, end, &mut spans);
        starts.extend(
            spans
                .iter()
                .filter(|(from, to)| to - from <= MAX_TOKEN_BYTES)
                .map(|&(from, _)| from),
        );
        cursor = end;
    }
    let position_at = |byte: usize| -> u32 {
        u32::try_from(starts.partition_point(|&from| from < byte)).unwrap_or(u32::MAX)
    };
    ranges
        .iter()
        .map(|&(start, end)| {
            let first = position_at(start);
            first..position_at(end).max(first)
        })
        .collect()
}

/// Registers the analyzers on `index` under [`EXACT`], [`EXACT_PAIRS`],
/// [`STEMMED`], [`TEXT_STEMS`] and [`SECTION_STEMS`]. These are the indexing forms: each
/// text's exact field and its stemmed twin share one cutting into words (see
/// `Words`), and the spanned sections take their stems from the whole
/// text's ([`SectionStemmer`]); they give the same tokens as [`exact`],
/// [`exact_with_pairs`] and [`stemmed`] (over the section's words).
pub fn register(index: &Index) {
    let words = WordTokenizer::sharing;
    let tokenizers = index.tokenizers();
    tokenizers.register(EXACT, words());
    tokenizers.register(EXACT_PAIRS, PairTokenizer::over(words()));
    tokenizers.register(STEMMED, CachedStemmer::over(words()));
    tokenizers.register(TEXT_STEMS, CachedStemmer::recording(words()));
    tokenizers.register(SECTION_STEMS, SectionStemmer::default());
}

/// A word of a text: its normalised form and byte range in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Runs `analyzer` over `text` and collects the tokens.
pub fn words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        out.push(Word {
            text: t.text.clone(),
            start: t.offset_from,
            end: t.offset_to,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::tokenizer::{Language, Stemmer};

    /// [`word_ranges`] by the analyzer itself: positions of the words
    /// [`exact`] emits whose first byte lies in each range.
    fn word_ranges_by_analyzer(text: &str, ranges: &[(usize, usize)]) -> Vec<std::ops::Range<u32>> {
        let mut analyzer = exact();
        let mut stream = analyzer.token_stream(text);
        let mut words: Vec<(usize, u32)> = Vec::new();
        while stream.advance() {
            let t = stream.token();
            words.push((t.offset_from, t.position as u32));
        }
        let at = |byte: usize| words.partition_point(|&(from, _)| from < byte) as u32;
        ranges
            .iter()
            .map(|&(a, b)| at(a)..at(b).max(at(a)))
            .collect()
    }

    #[test]
    fn word_ranges_number_words_as_the_analyzer_does() {
        let long = "x".repeat(MAX_TOKEN_BYTES + 1);
        let text = format!("The  Council’s {long} café,\nno. 12: ok — end");
        let mut ranges = vec![(0, text.len()), (4, 5), (5, 14), (text.len(), text.len())];
        for i in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            ranges.push((i, text.len()));
            ranges.push((0, i));
        }
        assert_eq!(
            word_ranges(&text, &ranges),
            word_ranges_by_analyzer(&text, &ranges)
        );
        assert_eq!(
            word_ranges(&text, &[(0, 3)]),
            vec![std::ops::Range { start: 0, end: 1 }]
        );
    }

    proptest! {
        #[test]
        fn word_ranges_agree_with_the_analyzer(
            text in "[a-zA-Z0-9 .,’'\néü£-]{0,120}",
            cuts in proptest::collection::vec((0usize..130, 0usize..130), 0..6),
        ) {
            let ranges: Vec<(usize, usize)> = cuts
                .into_iter()
                .map(|(a, b)| (a.min(b), a.max(b)))
                .filter(|&(a, b)| b <= text.len() && text.is_char_boundary(a) && text.is_char_boundary(b))
                .collect();
            prop_assert_eq!(word_ranges(&text, &ranges), word_ranges_by_analyzer(&text, &ranges));
        }
    }

    /// (text, position) of every token `analyzer` emits.
    fn positioned(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize)> {
        tokens(analyzer, text)
            .into_iter()
            .map(|(word, _, _, position)| (word, position))
            .collect()
    }

    #[test]
    fn common_words_are_sorted_and_normalised() {
        assert!(COMMON_WORDS.is_sorted());
        for w in COMMON_WORDS {
            assert_eq!(exact_terms(w), [*w]);
        }
    }

    #[test]
    fn is_common_is_membership_of_the_list() {
        let mut probes: Vec<String> = vec![String::new(), "ü".into(), "ünd".into()];
        for w in COMMON_WORDS {
            probes.push((*w).to_string());
            probes.push(format!("{w}s"));
            probes.push(format!("a{w}"));
            probes.push(w[..w.len() - 1].to_string());
            probes.push(w.to_uppercase());
        }
        probes.push("x".repeat(70));
        for p in &probes {
            assert_eq!(is_common(p), COMMON_WORDS.contains(&p.as_str()), "{p:?}");
        }
    }

    proptest! {
        #[test]
        fn is_common_agrees_with_the_list_for_any_word(w in "[a-z]{0,9}") {
            prop_assert_eq!(is_common(&w), COMMON_WORDS.contains(&w.as_str()));
        }
    }

    #[test]
    fn pairs_are_indexed_at_the_first_words_position() {
        let got = positioned(
            &mut exact_with_pairs(),
            "Within three months of the final decision",
        );
        let want: Vec<(String, usize)> = [
            ("within", 0),
            ("three", 1),
            ("months", 2),
            ("months of", 2),
            ("of", 3),
            ("of the", 3),
            ("the", 4),
            ("the final", 4),
            ("final", 5),
            ("final decision", 5),
            ("decision", 6),
        ]
        .iter()
        .map(|(t, p)| (t.to_string(), *p))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn phrases_are_looked_up_by_their_pairs() {
        let words = |s: &str| -> Vec<String> { s.split(' ').map(String::from).collect() };
        let terms = |s: &str| -> Vec<(usize, String)> { phrase_terms(&words(s)) };
        let t = |v: &[(usize, &str)]| -> Vec<(usize, String)> {
            v.iter().map(|(i, s)| (*i, s.to_string())).collect()
        };
        assert_eq!(
            terms("ico is better placed"),
            t(&[(0, "ico is"), (1, "is better"), (3, "placed")])
        );
        assert_eq!(terms("of the"), t(&[(0, "of the")]));
        assert_eq!(
            terms("we do not start or continue an investigation"),
            t(&[
                (0, "we do"),
                (2, "not start"),
                (4, "or continue"),
                (6, "an investigation")
            ])
        );
        assert_eq!(
            terms("within three months of the final decision"),
            t(&[
                (0, "within"),
                (1, "three"),
                (2, "months of"),
                (4, "the final"),
                (5, "final decision")
            ])
        );
        assert_eq!(
            terms("symbolic payment"),
            t(&[(0, "symbolic"), (1, "payment")])
        );
        assert_eq!(terms("the"), t(&[(0, "the")]));
    }

    proptest! {
        /// The indexing analyzer emits exactly the query analyzer's words at
        /// the same positions, and between them the right pairs.
        #[test]
        fn pair_stream_is_words_plus_pairs(
            picks in proptest::collection::vec(0usize..8, 0..60),
        ) {
            const VOCAB: [&str; 8] = ["the", "Council", "of", "payment", "x", "fault", "café", "24A(6)"];
            let text = picks.iter().map(|&i| VOCAB[i]).collect::<Vec<_>>().join(" ");
            let words = positioned(&mut exact(), &text);
            let all = positioned(&mut exact_with_pairs(), &text);
            let singles: Vec<_> = all.iter().filter(|(t, _)| !t.contains(' ')).cloned().collect();
            prop_assert_eq!(&singles, &words);
            let pairs: Vec<_> = all.iter().filter(|(t, _)| t.contains(' ')).cloned().collect();
            let expected: Vec<(String, usize)> = words
                .windows(2)
                .filter(|w| is_common(&w[0].0) || is_common(&w[1].0))
                .map(|w| (format!("{} {}", w[0].0, w[1].0), w[0].1))
                .collect();
            prop_assert_eq!(pairs, expected);
        }

        /// Every word of a phrase is covered by a lookup term, in order.
        #[test]
        fn phrase_terms_cover_every_word(picks in proptest::collection::vec(0usize..6, 1..12)) {
            const VOCAB: [&str; 6] = ["the", "council", "of", "payment", "fault", "time"];
            let words: Vec<String> = picks.iter().map(|&i| VOCAB[i].to_string()).collect();
            let terms = phrase_terms(&words);
            let mut covered = vec![false; words.len()];
            for (i, t) in &terms {
                let n = t.split(' ').count();
                prop_assert_eq!(t.split(' ').collect::<Vec<_>>(), words[*i..*i + n].iter().map(String::as_str).collect::<Vec<_>>());
                for c in &mut covered[*i..*i + n] {
                    *c = true;
                }
            }
            prop_assert!(covered.iter().all(|&c| c));
            prop_assert!(terms.windows(2).all(|w| w[0].0 < w[1].0));
        }
    }

    fn exact_terms(text: &str) -> Vec<String> {
        words(&mut exact(), text)
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    /// The reference: unicode-segmentation over the whole text, except
    /// that a segment never starts with ASCII white space (UAX #29 glues a
    /// combining mark onto a preceding space; we start a word there).
    fn reference_spans(text: &str) -> Vec<(usize, usize)> {
        text.split_word_bound_indices()
            .map(|(i, w)| {
                let t = w.trim_start_matches(|c: char| c.is_ascii_whitespace());
                (i + w.len() - t.len(), t)
            })
            .filter(|(_, w)| w.chars().any(char::is_alphanumeric) && w.len() <= MAX_TOKEN_BYTES)
            .map(|(i, w)| (i, i + w.len()))
            .collect()
    }

    fn spans(text: &str) -> Vec<(usize, usize)> {
        words(&mut exact(), text)
            .into_iter()
            .map(|w| (w.start, w.end))
            .collect()
    }

    /// Words whose stem is their start and words whose stem is not
    /// (`happy` → `happi`, `dying` → `die`), short and long, and not ASCII,
    /// each stemmed cold and then from the cache.
    #[test]
    fn cached_stems_of_every_kind_of_word_equal_the_reference() {
        let text = "complaints happy dying naïveté café administrations \
                    accommodations internationalisation reconsiderations \
                    disproportionately responsibilities";
        let mut cache = StemCache::default();
        for _ in 0..2 {
            let got: Vec<String> = text
                .split_whitespace()
                .map(|w| {
                    let mut word = w.to_string();
                    cache.stem_in_place(&mut word);
                    word
                })
                .collect();
            assert_eq!(got, reference_stems(text));
        }
    }

    /// The reference stemmer: tantivy's own filter, uncached.
    fn reference_stems(text: &str) -> Vec<String> {
        let mut a = TextAnalyzer::builder(WordTokenizer::default())
            .filter(Stemmer::new(Language::English))
            .build();
        words(&mut a, text).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn apostrophes_fold_and_case_lowers() {
        assert_eq!(
            exact_terms("The Ombudsman’s role"),
            ["the", "ombudsman's", "role"]
        );
        assert_eq!(
            exact_terms("The Ombudsman's role"),
            ["the", "ombudsman's", "role"]
        );
        assert_eq!(
            exact_terms("ICO is better placed"),
            ["ico", "is", "better", "placed"]
        );
    }

    #[test]
    fn legal_tokens_survive() {
        assert_eq!(exact_terms("section 24A(6)"), ["section", "24a", "6"]);
        assert_eq!(exact_terms("pay £1,240 now"), ["pay", "1,240", "now"]);
        assert_eq!(exact_terms("ref 23 018 551"), ["ref", "23", "018", "551"]);
        assert_eq!(
            exact_terms("e.g. s.26 a:b 1.5 x_y 3;4 _"),
            ["e.g", "s", "26", "a:b", "1.5", "x_y", "3;4"]
        );
    }

    /// FORMAT.md checklist 11: the variants all give the same tokens.
    #[test]
    fn typographic_variants_give_same_tokens() {
        let plain = exact_terms("a low-priority case - Council's reply\nnext line");
        for variant in [
            "a low\u{2011}priority case \u{2013} Council’s reply\r\nnext line",
            "a low-priority\u{a0}case - Council's reply\n   \nnext line",
            "A LOW-PRIORITY CASE – COUNCIL’S REPLY\nNEXT LINE",
        ] {
            assert_eq!(exact_terms(variant), plain, "{variant:?}");
        }
    }

    /// Every token (text, byte range, position) `analyzer` emits for `text`.
    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    /// The indexing analyzers, as [`register`] sets them up.
    fn indexing() -> (TextAnalyzer, TextAnalyzer, TextAnalyzer) {
        let index = Index::create_in_ram(tantivy::schema::Schema::builder().build());
        register(&index);
        let get = |name| index.tokenizers().get(name).expect("registered");
        (get(EXACT), get(EXACT_PAIRS), get(STEMMED))
    }

    /// The indexer's order: a text's exact field, then its stemmed twin,
    /// then the next text. The twin replays the first stream's words and
    /// must give what cutting the text again gives. (A text equal to the
    /// one before it is replayed by its first stream instead, from the words
    /// the last stream over the previous one left.)
    fn check_shared_words(texts: &[String]) {
        let (mut exact_i, mut pairs_i, mut stem_i) = indexing();
        let left = || LAST_WORDS.with(|last| last.borrow().words.len());
        for (i, text) in texts.iter().enumerate() {
            let (first, mut reference) = if i % 2 == 0 {
                (&mut pairs_i, exact_with_pairs())
            } else {
                (&mut exact_i, exact())
            };
            assert_eq!(tokens(first, text), tokens(&mut reference, text));
            let repeated = i > 0 && texts[i - 1] == *text;
            if !repeated {
                let words = tokens(&mut exact(), text).len();
                assert_eq!(left(), words, "the words are left for the twin");
            }
            assert_eq!(tokens(&mut stem_i, text), tokens(&mut stemmed(), text));
            if !repeated {
                assert_eq!(left(), 0, "the twin took them");
            }
            // Nothing is left to replay: the same text is cut again.
            assert_eq!(tokens(&mut stem_i, text), tokens(&mut stemmed(), text));
        }
    }

    #[test]
    fn indexing_streams_share_words_and_give_the_same_tokens() {
        let long = "x".repeat(MAX_TOKEN_BYTES + 1);
        check_shared_words(&[
            "The Council’s decision was late; it should apologise.".into(),
            "The Council’s decision was late; it should apologise.".into(),
            format!("a {long} b of the"),
            String::new(),
            "Complaints about complaints, complaining".into(),
        ]);
    }

    #[test]
    fn a_stream_left_unfinished_is_never_replayed() {
        let (_, mut pairs_i, mut stem_i) = indexing();
        let text = "one two three four";
        let mut stream = pairs_i.token_stream(text);
        assert!(stream.advance());
        drop(stream);
        assert_eq!(tokens(&mut stem_i, text), tokens(&mut stemmed(), text));
        // A finished stream over another text is not replayed for this one.
        tokens(&mut pairs_i, "one two three");
        assert_eq!(tokens(&mut stem_i, text), tokens(&mut stemmed(), text));
    }

    #[test]
    fn stemming_unifies_plurals_and_matches_the_reference() {
        let text =
            "complaints complaint Complained apologised apologise apologising Council’s councils";
        let a: Vec<_> = words(&mut stemmed(), text)
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(a, reference_stems(text));
        assert_eq!(a[0], a[1]);
        // A second pass answers from the cache, identically.
        let mut analyzer = stemmed();
        let first: Vec<_> = words(&mut analyzer, text)
            .into_iter()
            .map(|w| w.text)
            .collect();
        let second: Vec<_> = words(&mut analyzer, text)
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(first, second);
    }

    proptest! {
        #[test]
        fn fast_path_equals_unicode_segmentation(text in "[aZ9_.,:;'’ \\-\n\té£()]{0,60}") {
            prop_assert_eq!(spans(&text), reference_spans(&text));
        }

        #[test]
        fn equals_unicode_segmentation_on_any_text(text in "\\PC{0,120}") {
            prop_assert_eq!(spans(&text), reference_spans(&text));
        }

        #[test]
        fn shared_words_give_the_tokens_of_each_text(
            texts in proptest::collection::vec("[a-zA-Z’' .,é\n]{0,40}", 1..6),
            repeat in 0usize..5,
        ) {
            // Texts repeated back to back, as identical sections would be.
            let mut texts = texts;
            if let Some(t) = texts.get(repeat).cloned() {
                texts.insert(repeat, t);
            }
            check_shared_words(&texts);
        }

        /// Stemmed twice by one analyzer: the second pass is all cache hits.
        #[test]
        fn a_warm_stem_cache_gives_the_reference(text in "[a-zA-Zéï’' ]{0,160}") {
            let mut analyzer = stemmed();
            let reference = reference_stems(&text);
            for _ in 0..2 {
                let got: Vec<String> =
                    words(&mut analyzer, &text).into_iter().map(|w| w.text).collect();
                prop_assert_eq!(&got, &reference);
            }
        }

        #[test]
        fn cached_stems_equal_the_reference(text in "[a-zA-Z’' ]{0,80}") {
            let got: Vec<String> = words(&mut stemmed(), &text).into_iter().map(|w| w.text).collect();
            prop_assert_eq!(got, reference_stems(&text));
        }

        #[test]
        fn offsets_are_inside_and_tokens_non_empty(text in "\\PC{0,200}") {
            for w in words(&mut exact(), &text) {
                prop_assert!(!w.text.is_empty());
                prop_assert!(w.start < w.end && w.end <= text.len());
                prop_assert!(text.is_char_boundary(w.start) && text.is_char_boundary(w.end));
            }
            for w in words(&mut stemmed(), &text) {
                prop_assert!(w.end <= text.len());
            }
        }
    }
}
