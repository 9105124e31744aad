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

/// Normalises a list of references typed one after another, as on a
/// command line (`show 23 018 551 22 004 123` or `23018551, 22-004-123`):
/// words are split at white space and commas, and each reference is the
/// longest run of one to three words that [`normalise`] accepts, so the
/// published spelling with spaces needs no quotes. Returns the references
/// in order, or the first word that starts none.
pub fn normalise_list(input: &str) -> Result<Vec<String>, String> {
    let words: Vec<&str> = input
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = Vec::new();
    let mut at = 0;
    while at < words.len() {
        let longest = (1..=3.min(words.len() - at))
            .rev()
            .find_map(|n| normalise(&words[at..at + n].join(" ")).map(|r| (n, r)));
        let (n, reference) = longest.ok_or_else(|| words[at].to_string())?;
        out.push(reference);
        at += n;
    }
    if out.is_empty() {
        return Err(input.to_string());
    }
    Ok(out)
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
    fn lists_take_the_spelling_with_spaces_unquoted() {
        let list = |s: &str| normalise_list(s);
        assert_eq!(list("23 018 551"), Ok(vec!["23018551".to_string()]));
        assert_eq!(
            list("23 018 551 22004123, 16-010-636C 17 002402"),
            Ok(vec![
                "23018551".to_string(),
                "22004123".to_string(),
                "16010636c".to_string(),
                "17002402".to_string(),
            ])
        );
        assert_eq!(list("23 018 551 x"), Err("x".to_string()));
        assert_eq!(list("23 018"), Err("23".to_string()));
        assert_eq!(list(" , "), Err(" , ".to_string()));
    }

    #[test]
    fn display_restores_spaces() {
        assert_eq!(display("23018551"), "23 018 551");
        assert_eq!(display("16010636c"), "16 010 636c");
    }
}
