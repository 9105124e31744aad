//! Header lines (FORMAT §2): the title `<body name> (<ref>)` or a bare
//! reference, the `Category :`, `Decision :` and `Decision date :` fields,
//! the `The Ombudsman's final decision:` line, the `Summary:` line and the
//! closing line `Investigator's decision on behalf of the Ombudsman`.
//! Every function here looks at one line and never panics.

use crate::decision::{Category, Outcome};
use jiff::civil::Date;
use regex::Regex;
use std::sync::LazyLock;

/// A parenthesised case reference; the title's is the last one on the line.
static PAREN_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\((\d{2}[ \u{a0}]\d{3}[ \u{a0}]\d{3}[a-z]?)\)").expect("valid title regex")
});

/// A line that is only a case reference (summary-form title).
static BARE_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(\d{2}[ \u{a0}]\d{3}[ \u{a0}]\d{3}[a-z]?)\s*$").expect("valid ref regex")
});

/// `Category : …`, `Decision : …`, `Decision date : …` with any spacing
/// around the colon.
static FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(decision\s+date|category|decision)\s*:\s*(.*?)\s*$")
        .expect("valid field regex")
});

/// `The Ombudsman's final decision:` (colon optional: mirror copies omit
/// it), optionally followed on the same line by `Summary: …`.
static FINAL_DECISION_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*the\s+ombudsm[ae]n[’'‘`]?s\s+final\s+decision\s*:?\s*(.*?)\s*$")
        .expect("valid final-decision regex")
});

/// The closing line (FORMAT §6), also accepting `Ombudsmen` and a final
/// full stop.
static CLOSING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*([\w’' ]*decision on behalf of the Ombudsm[ae]n\.?)\s*$")
        .expect("valid closing regex")
});

/// The title line split into body name and reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title {
    /// The body complained about; `None` when the title is only `(<ref>)`.
    pub authority: Option<String>,
    /// The reference with ordinary spaces: `23 018 551`, `16 010 636c`.
    pub case_ref: String,
}

/// One header field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// `Category : Top > Sub`.
    Category(Category),
    /// `Decision : <label>`.
    Outcome(Outcome),
    /// `Decision date : <date>`; `None` when the date does not parse.
    Date(Option<Date>),
}

/// Reads a title line `<body name> (<ref>)`: the reference is the last
/// parenthesised reference on the line and must end it (trailing space
/// allowed). Lines starting with a list marker, or longer than 300 bytes,
/// are not titles.
pub fn parse_title(line: &str) -> Option<Title> {
    let t = line.trim();
    if t.len() > 300 || t.starts_with(['-', '•', '*']) {
        return None;
    }
    let caps = PAREN_REF.captures_iter(t).last()?;
    let whole = caps.get(0)?;
    if whole.end() != t.len() {
        return None;
    }
    let name = t.get(..whole.start())?.trim();
    Some(Title {
        authority: (!name.is_empty()).then(|| name.to_string()),
        case_ref: normalise_ref_spaces(caps.get(1)?.as_str()),
    })
}

/// True when the line is only a case reference.
pub fn is_bare_reference(line: &str) -> bool {
    BARE_REF.is_match(line)
}

/// The reference on a bare-reference line, with ordinary spaces.
pub fn bare_reference(line: &str) -> Option<String> {
    let caps = BARE_REF.captures(line)?;
    Some(normalise_ref_spaces(caps.get(1)?.as_str()))
}

/// NBSPs inside a reference become ordinary spaces.
fn normalise_ref_spaces(r: &str) -> String {
    r.replace('\u{a0}', " ")
}

/// Reads a `Category :`, `Decision :` or `Decision date :` line.
pub fn parse_field(line: &str) -> Option<Field> {
    let caps = FIELD.captures(line)?;
    let name = caps.get(1)?.as_str().to_ascii_lowercase();
    let value = caps.get(2)?.as_str();
    if name.starts_with("decision") && name.len() > "decision".len() {
        return Some(Field::Date(super::date::parse_date(value)));
    }
    if name == "category" {
        return parse_category(value).map(Field::Category);
    }
    (!value.is_empty()).then(|| Field::Outcome(Outcome::from_label(value)))
}

/// Splits `Top > Sub` on the first ` > `; `None` for an empty value.
pub fn parse_category(value: &str) -> Option<Category> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    Some(match value.split_once(" > ") {
        Some((top, sub)) => Category {
            top: top.trim().to_string(),
            sub: Some(sub.trim().to_string()).filter(|s| !s.is_empty()),
        },
        None => Category {
            top: value.to_string(),
            sub: None,
        },
    })
}

/// True for `The Ombudsman's final decision[:]` (with or without text
/// after it on the same line).
pub fn is_final_decision_line(line: &str) -> bool {
    final_decision_rest(line).is_some()
}

/// For a final-decision line, the text after it on the same line (empty
/// when none); `None` for other lines.
pub fn final_decision_rest(line: &str) -> Option<&str> {
    let caps = FINAL_DECISION_LINE.captures(line)?;
    let rest = caps.get(1).map_or("", |m| m.as_str());
    // "The Ombudsman's final decision is …" would be prose, not the header
    // line; only an empty rest or a `Summary:` qualifies.
    (rest.is_empty() || summary_text(rest).is_some()).then_some(rest)
}

/// For a `Summary:` line, the text after the colon (possibly empty,
/// when the summary follows on the next line), trimmed. Read by hand: a
/// regular expression with a capture group searched the whole line twice
/// (tests compare the two; `summary` is matched in ASCII case only).
pub fn summary_text(line: &str) -> Option<&str> {
    let rest = line.trim_start();
    let label = rest.get(..7)?;
    if !label.eq_ignore_ascii_case("summary") {
        return None;
    }
    let rest = rest[7..].trim_start().strip_prefix(':')?;
    Some(rest.trim())
}

/// True for the closing line `… decision on behalf of the Ombudsman`.
pub fn is_closing_line(line: &str) -> bool {
    CLOSING.is_match(line)
}

/// The closing line, trimmed, or `None`.
pub fn closing_line(line: &str) -> Option<&str> {
    Some(CLOSING.captures(line)?.get(1)?.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_take_the_last_reference() {
        let t = parse_title("Cambridgeshire County Council (23 018 551)").unwrap();
        assert_eq!(
            t.authority.as_deref(),
            Some("Cambridgeshire County Council")
        );
        assert_eq!(t.case_ref, "23 018 551");
        let t = parse_title("Oadby & Wigston Borough Council (16 010 636c)").unwrap();
        assert_eq!(
            t.authority.as_deref(),
            Some("Oadby & Wigston Borough Council")
        );
        assert_eq!(t.case_ref, "16 010 636c");
        let t = parse_title("Trust (formerly (12 345 678)) Ltd (17 002 402b) ").unwrap();
        assert_eq!(
            t.authority.as_deref(),
            Some("Trust (formerly (12 345 678)) Ltd")
        );
        assert_eq!(t.case_ref, "17 002 402b");
        assert_eq!(
            parse_title("Madani Boy's School (19 000 001)")
                .unwrap()
                .authority
                .as_deref(),
            Some("Madani Boy's School")
        );
        assert!(parse_title("- we refer to (23 018 551)").is_none());
        assert!(parse_title("Council (23 018 551) said").is_none());
        assert!(parse_title("Council (23018551)").is_none());
    }

    #[test]
    fn fields_accept_any_colon_spacing() {
        assert_eq!(
            parse_field("Decision date:07 Sep 2020"),
            Some(Field::Date(Some(jiff::civil::date(2020, 9, 7))))
        );
        assert_eq!(
            parse_field("Decision  :  Upheld"),
            Some(Field::Outcome(Outcome::Upheld))
        );
        assert_eq!(
            parse_field("Category : Other Categories > Land"),
            Some(Field::Category(Category {
                top: "Other Categories".into(),
                sub: Some("Land".into())
            }))
        );
        assert_eq!(
            parse_field("Decision date : 31 Feb 2024"),
            Some(Field::Date(None))
        );
        assert_eq!(parse_field("Decisions are hard"), None);
    }

    #[test]
    fn category_splits_on_first_separator() {
        let c = parse_category("A > B > C").unwrap();
        assert_eq!((c.top.as_str(), c.sub.as_deref()), ("A", Some("B > C")));
        let c = parse_category("Education").unwrap();
        assert_eq!((c.top.as_str(), c.sub), ("Education", None));
    }

    #[test]
    fn final_decision_and_closing_lines() {
        assert!(is_final_decision_line("The Ombudsman's final decision:"));
        assert!(is_final_decision_line("The Ombudsman’s final decision"));
        assert_eq!(
            final_decision_rest("The Ombudsman's final decision: Summary: x"),
            Some("Summary: x")
        );
        assert!(!is_final_decision_line(
            "The Ombudsman's final decision is that"
        ));
        assert!(is_closing_line(
            "Investigator's decision on behalf of the Ombudsman"
        ));
        assert!(is_closing_line(
            "Investigator’s decision on behalf of the Ombudsman"
        ));
        assert!(!is_closing_line(
            "- Investigator's decision on behalf of the Ombudsman"
        ));
        assert_eq!(summary_text("Summary:"), Some(""));
        assert_eq!(summary_text("Summary : the Council"), Some("the Council"));
    }

    /// The reference for [`summary_text`]: a regular expression.
    fn summary_by_regex(line: &str) -> Option<&str> {
        static SUMMARY: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"(?i)^\s*summary\s*:\s*(.*?)\s*$").unwrap());
        let caps = SUMMARY.captures(line)?;
        Some(caps.get(1).map_or("", |m| m.as_str()))
    }

    #[test]
    fn summary_text_reads_what_the_regex_captures() {
        for line in [
            "Summary: Mrs X complained. ",
            "  SUMMARY\u{a0}:\tthe Council was at fault\u{2003}",
            "summary:",
            "Summary - no colon",
            "Summaries: no",
            "The summary: no",
            "Summary:: twice",
            "Sümmary: no",
            "",
        ] {
            assert_eq!(summary_text(line), summary_by_regex(line), "{line:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn summary_text_agrees_with_the_regex(
            line in "[ \t\u{a0}]{0,2}(?:[Ss]ummary|SUMMARY|summar|x)?[ \u{a0}]{0,2}:?[ \t]{0,2}[a-zé ,.:\u{2003}]{0,12}",
        ) {
            proptest::prop_assert_eq!(summary_text(&line), summary_by_regex(&line));
        }
    }
}
