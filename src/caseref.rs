//! Case references: `23 018 551`, `16 010 636c`.
//!
//! The Ombudsman publishes a reference with spaces (`23 018 551`), writes it
//! without spaces in body text (`ref: 25008223`) and with hyphens in URLs
//! (`23-018-551`). All three name the same decision, so the index stores one
//! normal form: the eight digits followed by the optional lower-case letter
//! of a multi-body case (`23018551`, `16010636c`).

/// Normalises a case reference typed in any of the published spellings to
/// the indexed form (`23 018 551` → `23018551`, `16 010 636C` → `16010636c`):
/// two, three and three digits, each gap empty or one space, NBSP or
/// hyphen, then an optional letter. Returns `None` when `input` is not a
/// reference.
pub fn normalise(input: &str) -> Option<String> {
    let mut chars = input.trim().chars().peekable();
    let mut out = String::with_capacity(9);
    for (group, len) in [2usize, 3, 3].into_iter().enumerate() {
        if group > 0
            && chars
                .next_if(|c| matches!(c, ' ' | '-' | '\u{a0}'))
                .is_some()
        {
            // one separator consumed
        }
        for _ in 0..len {
            out.push(chars.next_if(char::is_ascii_digit)?);
        }
    }
    if let Some(letter) = chars.next_if(char::is_ascii_alphabetic) {
        out.push(letter.to_ascii_lowercase());
    }
    chars.next().is_none().then_some(out)
}

/// The published spelling of a normalised reference: `23018551` → `23 018 551`.
pub fn display(normalised: &str) -> String {
    if normalised.len() < 8 || !normalised.is_char_boundary(8) {
        return normalised.to_string();
    }
    format!(
        "{} {} {}{}",
        &normalised[0..2],
        &normalised[2..5],
        &normalised[5..8],
        &normalised[8..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_spellings_normalise_alike() {
        for s in ["23 018 551", "23018551", "23-018-551", " 23 018 551 "] {
            assert_eq!(normalise(s).as_deref(), Some("23018551"), "{s}");
        }
        assert_eq!(normalise("16 010 636c").as_deref(), Some("16010636c"));
        assert_eq!(normalise("17-002-402B").as_deref(), Some("17002402b"));
    }

    #[test]
    fn non_references_are_refused() {
        for s in [
            "",
            "2301855",
            "23 018 5511",
            "ICO",
            "23 018 551 x",
            "230185511",
        ] {
            assert_eq!(normalise(s), None, "{s}");
        }
    }

    #[test]
    fn display_restores_spaces() {
        assert_eq!(display("23018551"), "23 018 551");
        assert_eq!(display("16010636c"), "16 010 636c");
    }
}
