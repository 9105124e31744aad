//! The stems of single words: the English Snowball stemmer ([`WordStemmer`])
//! and the cache in front of it ([`StemCache`]).
//!
//! Decisions repeat the same few thousand words, so indexing stems each
//! distinct word once and then looks its stem up. The look-up runs for every
//! word indexed, so it avoids what a general map costs per call: a word of
//! at most 16 bytes (nearly all of them) is held in its slot as two
//! integers, found by one hash of those integers and compared by two integer
//! comparisons, with its stem's bytes beside it (a stem that starts the word, as
//! most do, is not even copied: the word is cut short). Longer words go to
//! an ordinary map.

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{Language, Stemmer, TextAnalyzer, TokenStream};

/// Distinct words remembered before the stem cache starts over (bounding
/// its memory on an endless vocabulary).
const STEM_CACHE_WORDS: usize = 100_000;

/// Slots of a cache's table when its first word comes (a power of two).
const FIRST_SLOTS: usize = 1 << 10;

/// A word of at most 16 bytes as two integers: with its length, the
/// integers name the bytes exactly.
type Packed = [u64; 2];

/// One word of the table and its stem.
#[derive(Clone, Copy, Default)]
struct Slot {
    word: Packed,
    /// The stem's bytes, zero-padded.
    stem: [u8; 16],
    /// 0: an empty slot (no word is empty).
    word_len: u8,
    stem_len: u8,
    /// Whether the stem is the word's first `stem_len` bytes.
    stem_starts_word: bool,
}

/// A [`WordStemmer`] that remembers each word's stem. Used by the indexing
/// analyzers and the highlighter.
#[derive(Clone, Default)]
pub struct StemCache {
    stemmer: WordStemmer,
    /// Open addressing, linear probing; empty until the first word, and
    /// never more than half full.
    slots: Vec<Slot>,
    used: usize,
    /// Words or stems longer than 16 bytes.
    long: FxHashMap<String, String>,
}

/// `bytes` (1 to 16 of them) as two integers: with the length, these name
/// the bytes exactly (the loads overlap where there are fewer than 16).
fn pack(bytes: &[u8]) -> Option<Packed> {
    let n = bytes.len();
    let u64_at = |i: usize| u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap_or([0; 8]));
    let u32_at = |i: usize| {
        u64::from(u32::from_le_bytes(
            bytes[i..i + 4].try_into().unwrap_or([0; 4]),
        ))
    };
    Some(match n {
        0 => return None,
        1..=3 => [
            u64::from(bytes[0]) | u64::from(bytes[n / 2]) << 8 | u64::from(bytes[n - 1]) << 16,
            0,
        ],
        4..=7 => [u32_at(0) | u32_at(n - 4) << 32, 0],
        8..=16 => [u64_at(0), u64_at(n - 8)],
        _ => return None,
    })
}

fn slot_hash(word: Packed, len: usize) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    ((word[0].wrapping_mul(K).rotate_left(26) ^ word[1]).wrapping_mul(K) ^ len as u64)
        .wrapping_mul(K)
}

impl StemCache {
    /// Replaces the normalised word in `word` with its stem.
    pub fn stem_in_place(&mut self, word: &mut String) {
        let Some(packed) = pack(word.as_bytes()) else {
            return self.stem_long(word);
        };
        let len = word.len();
        if self.slots.is_empty() {
            self.slots = vec![Slot::default(); FIRST_SLOTS];
        }
        let mask = self.slots.len() - 1;
        let mut i = (slot_hash(packed, len) >> 32) as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot.word_len == 0 {
                break;
            }
            if usize::from(slot.word_len) == len && slot.word == packed {
                let stem_len = usize::from(slot.stem_len);
                if slot.stem_starts_word {
                    word.truncate(stem_len);
                } else {
                    // The bytes of a `str` the stemmer gave, so never `Err`.
                    let Ok(stem) = std::str::from_utf8(&slot.stem[..stem_len]) else {
                        break;
                    };
                    word.clear();
                    word.push_str(stem);
                }
                return;
            }
            i = (i + 1) & mask;
        }
        // Not seen yet: stem it, and remember a stem of up to 16 bytes.
        let stem = self.stemmer.stem(word);
        if (1..=16).contains(&stem.len()) {
            let mut slot = Slot {
                word: packed,
                word_len: len as u8,
                stem_len: stem.len() as u8,
                stem_starts_word: word.starts_with(&stem),
                ..Slot::default()
            };
            slot.stem[..stem.len()].copy_from_slice(stem.as_bytes());
            self.insert(slot);
        }
        word.clear();
        word.push_str(&stem);
    }

    /// Puts `slot` in the table (growing it, or starting over when full).
    fn insert(&mut self, slot: Slot) {
        if self.used >= STEM_CACHE_WORDS {
            self.slots.iter_mut().for_each(|s| *s = Slot::default());
            self.used = 0;
        }
        if 2 * (self.used + 1) > self.slots.len() {
            let grown = vec![Slot::default(); 2 * self.slots.len()];
            let old = std::mem::replace(&mut self.slots, grown);
            self.used = 0;
            for s in old.into_iter().filter(|s| s.word_len != 0) {
                self.place(s);
            }
        }
        self.place(slot);
    }

    /// Puts `slot` in the first free slot of its probe sequence.
    fn place(&mut self, slot: Slot) {
        let mask = self.slots.len() - 1;
        let mut i = (slot_hash(slot.word, usize::from(slot.word_len)) >> 32) as usize & mask;
        while self.slots[i].word_len != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
        self.used += 1;
    }

    /// [`stem_in_place`](Self::stem_in_place) for a word longer than 16
    /// bytes (or an empty one).
    fn stem_long(&mut self, word: &mut String) {
        if let Some(stem) = self.long.get(word.as_str()) {
            word.clear();
            word.push_str(stem);
            return;
        }
        if self.long.len() >= STEM_CACHE_WORDS {
            self.long.clear();
        }
        let stem = self.stemmer.stem(word);
        self.long
            .insert(std::mem::replace(word, stem.clone()), stem);
    }
}

/// Stems one normalised word with the English Snowball stemmer: what
/// [`stemmed`](super::stemmed) gives for the word in a text.
#[derive(Clone)]
pub struct WordStemmer {
    analyzer: TextAnalyzer,
}

impl Default for WordStemmer {
    fn default() -> Self {
        WordStemmer {
            analyzer: TextAnalyzer::builder(tantivy::tokenizer::RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }
}

impl WordStemmer {
    /// The stem of `word` (itself when the stemmer gives nothing).
    pub fn stem(&mut self, word: &str) -> String {
        let mut stream = self.analyzer.token_stream(word);
        if stream.advance() {
            stream.token().text.clone()
        } else {
            word.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn words_pack_to_integers_that_name_them() {
        let words = [
            "a",
            "ab",
            "of",
            "the",
            "fail",
            "abxd",
            "abyd",
            "apolog",
            "council",
            "councils",
            "abcdefgh1",
            "abcdefgh2",
            "ombudsman’s",
            "0123456789abcdef",
        ];
        // No two words of one length share their integers.
        for (i, a) in words.iter().enumerate() {
            for b in &words[i + 1..] {
                if a.len() == b.len() {
                    assert_ne!(pack(a.as_bytes()), pack(b.as_bytes()), "{a} {b}");
                }
            }
        }
        assert_eq!(pack(b""), None);
        assert_eq!(pack("maladministration".as_bytes()), None);
    }

    /// Every look-up gives what the stemmer gives, however often the words
    /// repeat, through growth and starting over.
    fn check(words: &[String]) {
        let mut cache = StemCache::default();
        let mut stemmer = WordStemmer::default();
        for _ in 0..2 {
            for w in words {
                let mut got = w.clone();
                cache.stem_in_place(&mut got);
                assert_eq!(got, stemmer.stem(w), "{w}");
            }
        }
    }

    #[test]
    fn a_cached_stem_is_the_stemmers() {
        let words: Vec<String> = [
            "complaints",
            "complained",
            "happy",
            "happily",
            "hoping",
            "skies",
            "dying",
            "agreed",
            "relational",
            "possibility",
            "x",
            "ab",
            "maladministrations",
            "council’s",
            "caf\u{e9}s",
        ]
        .iter()
        .map(|w| w.to_string())
        .collect();
        check(&words);
        // Enough distinct words to grow the table many times.
        let many: Vec<String> = (0..5_000).map(|i| format!("word{i}ing")).collect();
        check(&many);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn cached_stems_agree_with_the_stemmer(
            words in proptest::collection::vec("[a-z’'é0-9]{1,20}", 1..200),
        ) {
            check(&words);
        }
    }
}
