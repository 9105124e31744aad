//! Names of Acts and statutory instruments as written in running text:
//! `Care Act 2014`, `The Care and Support (Charging and Assessment of
//! Resources) Regulations 2014`, `Anti-social Behaviour, Crime and Policing
//! Act 2014`, the abbreviation `LGA 1974`, and `Local Government Act` with no
//! year (read as 1974).

use regex::Regex;
use std::sync::LazyLock;

/// The Act these decisions cite most, and the one meant when no year is given.
pub(super) const LGA_1974: &str = "Local Government Act 1974";

/// One mention of an Act (or Regulations, or Order) in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ActHit {
    /// Byte offset of the first character of the name (after dropping a
    /// leading `The`, `Under`, ...).
    pub start: usize,
    /// Byte offset just past the year (or past `Act` for a yearless LGA).
    pub end: usize,
    /// Normal form: `Housing Act 1996`, straight apostrophes, single spaces.
    pub name: String,
    /// The year of the Act, used to resolve `the 1996 Act`.
    pub year: u16,
}

/// A name: capitalised words (joined by spaces, `, `, or small connecting
/// words), optional bracketed parts, then `Act|Regulations|Order <yyyy>`.
/// Alternatives: `LGA <yyyy>` and a yearless `Local Government Act`.
static ACT_RE: LazyLock<Regex> = LazyLock::new(|| {
    let ws = r"[ \t\u{a0}]";
    let word = r"[A-Z][A-Za-z0-9’'\-\u{2011}]*";
    let paren = r"\([^()\n]{1,100}\)";
    let year = r"(?:1[6-9]|20)[0-9]{2}";
    let conn = r"(?:and|of|for|in|on|to|with|from|by|&)";
    // An Act inside the name of an instrument made under it:
    // `Health and Social Care Act 2008 (Regulated Activities) Regulations 2014`.
    let inner = format!(r"(?:{word}|{paren}|Act{ws}+{year}{ws}+{paren})");
    let name = format!(
        r"(?-u:\b)(?:{word}(?:,?{ws}+(?:{conn}{ws}+)*{inner})*{ws}+(?:Act|Regulations|Order){ws}+{year})(?-u:\b)"
    );
    let lga = format!(r"(?-u:\b)LGA{ws}*{year}(?-u:\b)");
    let bare = format!(r"(?-u:\b)Local{ws}+Government{ws}+Act(?-u:\b)");
    // Three forms, told apart by what they match (see `find`).
    Regex::new(&format!("{name}|{lga}|{bare}")).expect("valid act regex")
});

/// Words that may precede a name without being part of it
/// (`Under the Care Act 2014`, `The Children Act 1989`, `Mr X, Care Act`).
const LEADING_NOISE: &[&str] = &[
    "A",
    "After",
    "Also",
    "Although",
    "An",
    "And",
    "Any",
    "As",
    "At",
    "Because",
    "Before",
    "Both",
    "But",
    "By",
    "Dr",
    "Each",
    "Following",
    "For",
    "From",
    "He",
    "Her",
    "His",
    "I",
    "If",
    "In",
    "Its",
    "It",
    "Miss",
    "Mr",
    "Mrs",
    "Ms",
    "Mx",
    "My",
    "Of",
    "On",
    "Our",
    "Paragraph",
    "Part",
    "Per",
    "Regulation",
    "Schedule",
    "Section",
    "Sections",
    "See",
    "She",
    "Since",
    "So",
    "That",
    "The",
    "Their",
    "Then",
    "These",
    "They",
    "This",
    "Those",
    "To",
    "Under",
    "Using",
    "We",
    "When",
    "Where",
    "Whether",
    "While",
    "With",
    "and",
    "by",
    "for",
    "from",
    "in",
    "of",
    "on",
    "to",
    "with",
    "&",
];

/// Every Act mention in `text`, in order.
///
/// Which of [`ACT_RE`]'s three forms matched is read from the match itself
/// rather than from its capture groups (finding the groups costs a second,
/// slower search over every match): only `LGA 1974` starts with `LGA`
/// followed by nothing but spaces and the year, and only `Local Government
/// Act` without a year does not end in a digit; the rest is a name.
pub(super) fn find(text: &str) -> Vec<ActHit> {
    ACT_RE
        .find_iter(text)
        .filter_map(|m| {
            let found = m.as_str();
            if let Some(year) = lga_year(found) {
                let name = format!("Local Government Act {year}");
                return Some(hit(m.start(), m.end(), name));
            }
            if !found.ends_with(|c: char| c.is_ascii_digit()) {
                return Some(hit(m.start(), m.end(), LGA_1974.to_string()));
            }
            let start = m.start() + trim_leading(found)?;
            Some(hit(start, m.end(), normalise(&text[start..m.end()])))
        })
        .collect()
}

/// The year of an `LGA 1974` match.
fn lga_year(found: &str) -> Option<&str> {
    let year = found
        .strip_prefix("LGA")?
        .trim_start_matches([' ', '\t', '\u{a0}']);
    (year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit())).then_some(year)
}

fn hit(start: usize, end: usize, name: String) -> ActHit {
    let year = name
        .get(name.len().saturating_sub(4)..)
        .and_then(|y| y.parse().ok())
        .unwrap_or(0);
    ActHit {
        start,
        end,
        name,
        year,
    }
}

/// How many bytes at the front of a matched name are not part of it: text
/// before a comma that does not open a list (`Mr X, Care Act 2014`) and
/// leading noise words. `None` when nothing of the name would be left.
fn trim_leading(name: &str) -> Option<usize> {
    let mut cut = comma_cut(name);
    loop {
        let rest = &name[cut..];
        let word_len = rest.find([' ', '\t', '\u{a0}']).unwrap_or(rest.len());
        let word = rest[..word_len].trim_end_matches(',');
        let single_letter = word.len() == 1 && word.bytes().all(|b| b.is_ascii_uppercase());
        if word_len == rest.len() || !(LEADING_NOISE.contains(&word) || single_letter) {
            break;
        }
        cut += word_len;
        cut += name[cut..].len() - name[cut..].trim_start_matches([' ', '\t', '\u{a0}']).len();
    }
    let rest = &name[cut..];
    let kind_first = ["Act ", "Regulations ", "Order "]
        .iter()
        .any(|k| rest.starts_with(k));
    (!kind_first && !rest.is_empty()).then_some(cut)
}

/// Where the name really starts when it contains commas: a comma belongs to
/// the name only in a list shaped `A, B and C Act`; otherwise the name starts
/// after the last comma. Commas inside brackets are ignored.
fn comma_cut(name: &str) -> usize {
    let mut depth = 0i32;
    let mut last_comma = None;
    for (i, b) in name.bytes().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' if depth <= 0 => last_comma = Some(i),
            _ => {}
        }
    }
    let Some(comma) = last_comma else {
        return 0;
    };
    let tail = &name[comma + 1..];
    if tail.contains(" and ") || tail.contains(" & ") {
        0
    } else {
        let after = comma + 1;
        after + (name[after..].len() - name[after..].trim_start().len())
    }
}

/// The normal spelling of a name: `’` → `'`, non-breaking hyphen → `-`, any
/// run of spaces, tabs or NBSP → one space.
pub(super) fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for c in name.chars() {
        match c {
            ' ' | '\t' | '\u{a0}' => space = true,
            _ => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(match c {
                    '’' | '‘' => '\'',
                    '\u{2011}' => '-',
                    other => other,
                });
            }
        }
    }
    out
}
