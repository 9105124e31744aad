//! The stored decision text: how the one stored field (`body`) packs a
//! decision's text, and how it is read back.
//!
//! A decision is compressed on its own (every hit decompresses its own text
//! and nothing else's, see `index::settings`), and a decision of a few
//! kilobytes alone gives lz4 little to go on: most of what repeats in it
//! (headings, the Ombudsman's standard sentences, the law they quote)
//! repeats *across* decisions. So each text is compressed with lz4 against
//! a built-in dictionary of decision prose ([`DICTIONARY`]), as if the
//! dictionary came just before it: a sentence found there costs a
//! reference of three bytes. tantivy's own store compression is then off
//! (there is nothing left for it to find).
//!
//! At 100,000 generated decisions (830 MB of text) the store shrank 408 →
//! 275 MB (lz4 on each text alone: 2.04× smaller than the text; against
//! the dictionary: 3.02×), the whole index 1.09× → 0.93× the corpus; on
//! the bundled decisions not in the dictionary, lz4 gives 1.62× alone and
//! 2.53× against it. The price: lz4 decodes about half as fast when most
//! of a text is references (about 8–10 µs for a generated decision against
//! 5–6 µs), and packing one costs some 20–30 µs more, as the dictionary is
//! hashed again for each text (a few seconds of CPU for 100,000).
//!
//! A stored document is read as bytes and its one value found in them
//! ([`Texts`]): tantivy's own reading of a bytes value copies it a byte at
//! a time (about 100,000 instructions for a generated decision, three
//! times the decompression). Read so, a page's hits cost 7% fewer
//! instructions than tantivy's own lz4 store gave them (callgrind, the
//! default query set at 100,000 decisions).
//!
//! The stored form is the text's length (u32, little-endian) and the lz4
//! block. Decompressing checks every length and offset (lz4_flex's decoder
//! bounds-checks its reads and writes even without its `safe-decode`
//! feature, which this project leaves off: 23% fewer instructions a text)
//! and the result must be UTF-8, so a damaged store gives an error naming
//! the fix, never a panic or garbled text.

use crate::vint::read_vint;
use tantivy::directory::OwnedBytes;
use tantivy::error::DataCorruption;
use tantivy::schema::{Field, Value};
use tantivy::store::StoreReader;
use tantivy::{DocId, SegmentReader, TantivyDocument, TantivyError};

/// The dictionary: ten of the bundled decisions (`corpus/`), concatenated
/// in the order that compressed the other bundled ones best (chosen
/// greedily, each addition placed first so that the most useful text lies
/// nearest the decisions compressed against it), 63,419 bytes: lz4 reaches
/// back at most 64 KiB. Made by
///
/// ```sh
/// for n in 044 021 031 018 036 005 033 000 015 001; do cat corpus/${n}_*.txt; done
/// ```
///
/// Indexes depend on every byte of it: changing it means bumping
/// `schema::FORMAT_VERSION` (and [`DICTIONARY_HASH`], which a test checks).
pub const DICTIONARY: &[u8] = include_bytes!("store/dictionary.txt");

/// XXH3-64 of [`DICTIONARY`], so that a changed dictionary fails a test
/// until the format version is bumped with it.
pub const DICTIONARY_HASH: u64 = 9_965_431_704_119_252_450;

/// Bytes of the length in front of the compressed text.
const LENGTH_BYTES: usize = 4;

/// The stored form of `text`.
pub fn pack(text: &str) -> Vec<u8> {
    lz4_flex::block::compress_prepend_size_with_dict(text.as_bytes(), DICTIONARY)
}

/// The text of a stored form made by [`pack`], or why it cannot be read.
pub fn unpack(stored: &[u8]) -> Result<String, TantivyError> {
    let damaged = |why: String| {
        TantivyError::DataCorruption(DataCorruption::comment_only(format!(
            "a stored decision text is damaged ({why}); rebuild the index with \
             `ombudsearch index --rebuild`"
        )))
    };
    let (length, block) = stored
        .split_first_chunk::<LENGTH_BYTES>()
        .ok_or_else(|| damaged(format!("{} bytes", stored.len())))?;
    let length = u32::from_le_bytes(*length) as usize;
    // lz4 expands a byte to at most 255 (a run of one byte), plus what the
    // dictionary gives: a larger length is damage, and is not allocated.
    let most = block
        .len()
        .saturating_mul(255)
        .saturating_add(DICTIONARY.len());
    if length > most {
        return Err(damaged(format!(
            "a length of {length} bytes from {} compressed",
            block.len()
        )));
    }
    let bytes = lz4_flex::block::decompress_with_dict(block, length, DICTIONARY)
        .map_err(|e| damaged(e.to_string()))?;
    if bytes.len() != length {
        return Err(damaged(format!("{} bytes of {length}", bytes.len())));
    }
    String::from_utf8(bytes).map_err(|e| damaged(e.to_string()))
}

/// tantivy's type code of a bytes value in a stored document (its
/// `type_codes::BYTES_CODE`, not exported).
const BYTES_CODE: u8 = 4;

/// The stored texts of one segment.
pub struct Texts {
    reader: StoreReader,
    field: Field,
}

impl Texts {
    /// The texts of `segment`'s documents stored in `field`, read without a
    /// cache of blocks: every read decompresses its own text, so a repeated
    /// query costs what a new one does.
    pub fn open(segment: &SegmentReader, field: Field) -> tantivy::Result<Texts> {
        Ok(Texts {
            reader: segment.get_store_reader(0)?,
            field,
        })
    }

    /// The text of `doc`, or `None` if it has none.
    pub fn get(&self, doc: DocId) -> tantivy::Result<Option<String>> {
        let bytes = self.reader.get_document_bytes(doc)?;
        if let Some(packed) = packed_value(bytes, self.field) {
            return unpack(packed.as_slice()).map(Some);
        }
        // Laid out otherwise (another tantivy): its own reading.
        let stored: TantivyDocument = self.reader.get(doc)?;
        match stored.get_first(self.field).and_then(|v| v.as_bytes()) {
            Some(packed) => unpack(packed).map(Some),
            None => Ok(None),
        }
    }
}

/// The value of a stored document's bytes that holds one bytes value of
/// `field` and nothing else, as tantivy lays it out: the number of values
/// (a VInt), the field (u32, little-endian), the type code, the length (a
/// VInt) and the bytes. `None` for anything else.
fn packed_value(mut bytes: OwnedBytes, field: Field) -> Option<OwnedBytes> {
    if read_vint(&mut bytes)? != 1 {
        return None;
    }
    let (id, rest) = bytes.as_slice().split_first_chunk::<4>()?;
    if u32::from_le_bytes(*id) != field.field_id() || rest.first() != Some(&BYTES_CODE) {
        return None;
    }
    let head = id.len() + 1; // the field and the type code
    bytes.advance(head);
    let length = read_vint(&mut bytes)?;
    (length == bytes.len()).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Texts come back as they went in, from the empty one to ones longer
    /// than lz4's 64 KiB window, with the dictionary's own sentences and
    /// with none of them.
    #[test]
    fn texts_come_back_as_they_went_in() -> anyhow::Result<()> {
        let dictionary = std::str::from_utf8(DICTIONARY)?;
        let long = "Mrs X complained the Council delayed. £300 ’quoted’ — ".repeat(3000);
        for text in ["", "a", "\u{feff}x", &dictionary[..500], dictionary, &long] {
            assert_eq!(unpack(&pack(text))?, text);
        }
        Ok(())
    }

    /// The dictionary earns its place: a decision's standard prose packs to
    /// less than lz4 alone gives, and a decision from the dictionary to
    /// almost nothing.
    #[test]
    fn the_dictionary_shrinks_decision_prose() {
        let seed = include_str!("../corpus/000_978548f2022fce23.txt");
        let alone = lz4_flex::block::compress_prepend_size(seed.as_bytes()).len();
        let packed = pack(seed).len();
        assert!(packed * 10 < alone, "{packed} against {alone}");
        let unseen = include_str!("../corpus/002_811374d9b49a6e45.txt");
        let alone = lz4_flex::block::compress_prepend_size(unseen.as_bytes()).len();
        let packed = pack(unseen).len();
        assert!(packed * 5 < alone * 4, "{packed} against {alone}");
    }

    /// The dictionary is the one the index format was built with.
    #[test]
    fn the_dictionary_is_the_formats() {
        assert_eq!(
            xxhash_rust::xxh3::xxh3_64(DICTIONARY),
            DICTIONARY_HASH,
            "the dictionary changed: bump schema::FORMAT_VERSION and DICTIONARY_HASH"
        );
    }

    /// Damage is an error, never a panic: short input, a length beyond what
    /// the block can hold, a cut block, bytes that are not lz4, or text that
    /// is not UTF-8.
    #[test]
    fn damage_is_an_error() {
        let good = pack("The Council failed to consider the evidence properly.");
        let mut huge = good.clone();
        huge[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut short = good.clone();
        short[..4].copy_from_slice(&3u32.to_le_bytes());
        let cut = &good[..good.len() - 3];
        let latin1 = lz4_flex::block::compress_prepend_size_with_dict(b"caf\xe9", DICTIONARY);
        for bad in [
            &[][..],
            &[1, 0],
            &huge,
            &short,
            cut,
            &[9, 0, 0, 0, 0xff, 0xff],
            &latin1,
        ] {
            let err = unpack(bad).expect_err("damage");
            assert!(err.to_string().contains("--rebuild"), "{err}");
        }
    }

    /// Stored texts are read off tantivy's bytes as tantivy itself reads
    /// them, and without falling back to its reading.
    #[test]
    fn texts_are_read_as_tantivy_reads_them() -> anyhow::Result<()> {
        let (_dir, path) = crate::search::testing::generated_index(40, 9, 15)?;
        let (index, fields) = crate::index::open(&path)?;
        let searcher = index.reader()?.searcher();
        let mut read = 0;
        for segment in searcher.segment_readers() {
            let texts = Texts::open(segment, fields.body)?;
            let store = segment.get_store_reader(0)?;
            for doc in 0..segment.max_doc() {
                let bytes = store.get_document_bytes(doc)?;
                assert!(packed_value(bytes, fields.body).is_some(), "{doc}");
                let stored: TantivyDocument = store.get(doc)?;
                let theirs = stored.get_first(fields.body).and_then(|v| v.as_bytes());
                let text = texts.get(doc)?.expect("a stored text");
                assert_eq!(unpack(theirs.expect("a stored value"))?, text);
                assert!(text.contains("Decision"), "{text}");
                read += 1;
            }
        }
        assert_eq!(read, 40);
        Ok(())
    }

    /// Bytes laid out otherwise are not taken for a packed text.
    #[test]
    fn other_layouts_are_not_packed_values() {
        let field = Field::from_field_id(2);
        let value = |b: &[u8]| packed_value(OwnedBytes::new(b.to_vec()), field);
        assert_eq!(
            value(&[0x81, 2, 0, 0, 0, 4, 0x82, 7, 8]).as_deref(),
            Some(&[7, 8][..])
        );
        for bad in [
            &[0x82, 2, 0, 0, 0, 4, 0x82, 7, 8][..], // two values
            &[0x81, 3, 0, 0, 0, 4, 0x82, 7, 8],     // another field
            &[0x81, 2, 0, 0, 0, 0, 0x82, 7, 8],     // text, not bytes
            &[0x81, 2, 0, 0, 0, 4, 0x83, 7, 8],     // a length beyond the bytes
            &[0x81, 2, 0, 0],                       // cut short
            &[],
        ] {
            assert!(value(bad).is_none(), "{bad:?}");
        }
    }

    proptest! {
        /// Any text packs and unpacks to itself.
        #[test]
        fn any_text_round_trips(text in "\\PC{0,300}") {
            prop_assert_eq!(unpack(&pack(&text)).unwrap(), text);
        }

        /// Any bytes unpack to a text or an error, never a panic.
        #[test]
        fn any_bytes_unpack_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = unpack(&bytes);
        }
    }
}
