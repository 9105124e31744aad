//! tantivy's variable-length integers (`VInt`: 7 bits a byte, the last
//! byte's top bit set), read off the front of bytes tantivy wrote. tantivy
//! keeps its reader in `tantivy-common`, which it does not re-export; the
//! position lists (`search::positions`) and stored documents (`store`) are
//! read here directly.

use tantivy::directory::OwnedBytes;

/// Reads a VInt off the front of `bytes`; `None` when the bytes end first
/// or it does not fit a `usize`.
pub(crate) fn read_vint(bytes: &mut OwnedBytes) -> Option<usize> {
    let (mut value, mut shift) = (0usize, 0u32);
    loop {
        let byte = *bytes.as_slice().first()?;
        bytes.advance(1);
        value |= usize::from(byte & 127).checked_shl(shift)?;
        if byte & 128 != 0 {
            return Some(value);
        }
        shift += 7;
    }
}
