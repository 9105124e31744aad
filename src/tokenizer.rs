//! The one tokenizer shared by indexing, querying and highlighting.
//!
//! Decisions mix straight and curly apostrophes (`Ombudsman's` in headers,
//! `Ombudsman’s` in bodies), non-breaking hyphens, en dashes and NBSPs. A
//! search must not care which a writer used, so every text field is cut into
//! words by Unicode word boundaries (UAX #29, via `unicode-segmentation`) and
//! each word is lower-cased with `’`, `‘` and `ʼ` folded to `'`. No stop words
//! are removed: phrases such as "time and trouble" must match exactly.
//!
//! UAX #29 keeps the tokens a legal text needs: `24A` stays one word (`24a`),
//! `1,240` in `£1,240` stays one number, `Ombudsman's` one word. A hyphen (or
//! U+2011, or an en dash) separates words, so `low‑priority` and
//! `low-priority` give the same two tokens.
//!
//! Two analyzers are registered on every index:
//! - [`EXACT`]: the words as above. Phrases are matched here.
//! - [`STEMMED`]: the same words through the English Snowball stemmer, so an
//!   unquoted `complaints` also finds `complaint`.

use std::collections::HashMap;
use tantivy::Index;
use tantivy::tokenizer::{
    Language, PreTokenizedString, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
};
use unicode_segmentation::{UWordBoundIndices, UnicodeSegmentation};

/// Name under which the exact analyzer is registered.
pub const EXACT: &str = "ombud_exact";
/// Name under which the stemmed analyzer is registered.
pub const STEMMED: &str = "ombud_stem";

/// Words longer than this (in bytes) are dropped: they are never real words
/// and would bloat the term dictionary (binary junk, long URLs).
const MAX_TOKEN_BYTES: usize = 80;

/// Splits text on Unicode word boundaries and normalises each word.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

/// The stream produced by [`WordTokenizer`].
pub struct WordTokenStream<'a> {
    words: UWordBoundIndices<'a>,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.token.reset();
        WordTokenStream {
            words: text.split_word_bound_indices(),
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        for (start, word) in self.words.by_ref() {
            if word.len() > MAX_TOKEN_BYTES || !word.chars().any(char::is_alphanumeric) {
                continue;
            }
            self.token.text.clear();
            normalise_into(word, &mut self.token.text);
            self.token.offset_from = start;
            self.token.offset_to = start + word.len();
            self.token.position = self.token.position.wrapping_add(1);
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

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

/// The exact analyzer: words, lower-cased, apostrophes folded.
pub fn exact() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default()).build()
}

/// The stemmed analyzer: [`exact`] followed by the English stemmer.
pub fn stemmed() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Registers both analyzers on `index` under [`EXACT`] and [`STEMMED`].
pub fn register(index: &Index) {
    index.tokenizers().register(EXACT, exact());
    index.tokenizers().register(STEMMED, stemmed());
}

/// Indexing-side analysis: each text is cut into words once, and each
/// distinct word is stemmed once per `Analysis` (words repeat heavily across
/// decisions), giving the token lists for both the exact and the stemmed
/// field. Produces exactly what [`exact`] and [`stemmed`] produce.
pub struct Analysis {
    words: WordTokenizer,
    stemmer: TextAnalyzer,
    stems: HashMap<String, String>,
}

/// Distinct words remembered before the stem cache is cleared.
const STEM_CACHE_WORDS: usize = 200_000;

impl Default for Analysis {
    fn default() -> Self {
        Analysis {
            words: WordTokenizer::default(),
            stemmer: stemmed(),
            stems: HashMap::new(),
        }
    }
}

impl Analysis {
    /// The exact tokens of `text`, with positions and byte offsets.
    pub fn exact(&mut self, text: &str) -> Vec<Token> {
        let mut out = Vec::with_capacity(text.len() / 6);
        let mut stream = self.words.token_stream(text);
        while stream.advance() {
            out.push(stream.token().clone());
        }
        out
    }

    /// The stemmed twin of exact `tokens` (same positions and offsets).
    pub fn stemmed(&mut self, tokens: &[Token]) -> Vec<Token> {
        if self.stems.len() > STEM_CACHE_WORDS {
            self.stems.clear();
        }
        tokens
            .iter()
            .map(|t| {
                let stem = match self.stems.get(&t.text) {
                    Some(s) => s.clone(),
                    None => {
                        let mut stream = self.stemmer.token_stream(&t.text);
                        let s = if stream.advance() {
                            stream.token().text.clone()
                        } else {
                            t.text.clone()
                        };
                        self.stems.insert(t.text.clone(), s.clone());
                        s
                    }
                };
                Token {
                    text: stem,
                    ..t.clone()
                }
            })
            .collect()
    }

    /// Both token lists of `text`, ready for tantivy (the text itself is not
    /// carried: these fields are indexed, not stored).
    pub fn pre_tokenized(&mut self, text: &str) -> (PreTokenizedString, PreTokenizedString) {
        let exact = self.exact(text);
        let stemmed = self.stemmed(&exact);
        (
            PreTokenizedString {
                text: String::new(),
                tokens: exact,
            },
            PreTokenizedString {
                text: String::new(),
                tokens: stemmed,
            },
        )
    }
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

    fn exact_terms(text: &str) -> Vec<String> {
        words(&mut exact(), text)
            .into_iter()
            .map(|w| w.text)
            .collect()
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

    #[test]
    fn stemming_unifies_plurals() {
        let a: Vec<_> = words(&mut stemmed(), "complaints")
            .into_iter()
            .map(|w| w.text)
            .collect();
        let b: Vec<_> = words(&mut stemmed(), "complaint")
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(a, b);
    }

    #[test]
    fn analysis_matches_the_registered_analyzers() {
        let text = "The Council’s complaints were investigated; £1,240 paid under s.24A(6). Apologised twice, apologising.";
        let mut a = Analysis::default();
        let (ex, st) = a.pre_tokenized(text);
        let texts = |v: &[Token]| v.iter().map(|t| t.text.clone()).collect::<Vec<_>>();
        let want_ex: Vec<String> = words(&mut exact(), text)
            .into_iter()
            .map(|w| w.text)
            .collect();
        let want_st: Vec<String> = words(&mut stemmed(), text)
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(texts(&ex.tokens), want_ex);
        assert_eq!(texts(&st.tokens), want_st);
        assert_eq!(
            ex.tokens.iter().map(|t| t.position).collect::<Vec<_>>(),
            (0..want_ex.len()).collect::<Vec<_>>()
        );
        // The cache answers the second time identically.
        let (_, st2) = a.pre_tokenized(text);
        assert_eq!(texts(&st2.tokens), want_st);
    }

    proptest! {
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
