//! Body lines → items: one item per paragraph, list item, heading or other
//! bare line, so that the plain-text and web-page layouts agree.
//!
//! Rules (applied to lines after the header):
//! - trailing whitespace is stripped; space-only lines are blank; CR is gone
//!   already (see `page::split_lines`);
//! - `Back to top` lines are dropped;
//! - one leading list marker (`- `, `• `, `* `, `◦ `, `▪ `, `· `, `1. `,
//!   `12) `) is stripped and the item is flagged `marked`; a line that is only
//!   a marker marks the next non-blank line;
//! - an indented, unmarked line directly under a non-heading line (no blank
//!   line between) is a wrapped continuation and is joined with one space,
//!   provided that line is a list item or itself indented (a heading at the
//!   margin never absorbs the next line).
//!   The plain-text form has no indentation, so its lines are never joined.

/// One normalised body item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The text, trimmed, marker stripped, continuation lines joined.
    pub text: String,
    /// It began with a list marker (`- `, `1.`, `•`): a paragraph or list
    /// item, never a heading.
    pub marked: bool,
    /// Index of the first source line, relative to the lines given.
    pub line: usize,
    /// Index of the last source line (continuation lines joined in).
    pub last_line: usize,
}

/// Turns lines into items (see the module rules).
pub fn items<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    let mut open = false; // the last item may take a continuation line
    let mut pending_marker = false;
    for (i, raw) in lines.into_iter().enumerate() {
        let line = raw.trim_end();
        let text = line.trim_start();
        if text.is_empty() || text.eq_ignore_ascii_case("back to top") {
            open = false;
            continue;
        }
        let (body, marked) = match strip_marker(text) {
            Some(rest) => (rest.trim_start(), true),
            None => (text, false),
        };
        if body.is_empty() {
            pending_marker = true;
            open = false;
            continue;
        }
        let indented = line.len() != text.len();
        match out.last_mut() {
            Some(last) if open && indented && !marked && !pending_marker => {
                last.text.push(' ');
                last.text.push_str(body);
                last.last_line = i;
            }
            _ => {
                out.push(Item {
                    text: body.to_string(),
                    marked: marked || pending_marker,
                    line: i,
                    last_line: i,
                });
                // Only list items and indented paragraphs wrap; a bare
                // line at the margin (a heading) never takes continuations.
                open = marked || pending_marker || indented;
            }
        }
        pending_marker = false;
    }
    out
}

/// The text after one leading list marker, or `None` when the line has no
/// marker. A marker must be followed by whitespace or end the line.
pub fn strip_marker(text: &str) -> Option<&str> {
    let mut chars = text.char_indices();
    let (_, first) = chars.next()?;
    let after = if matches!(first, '-' | '•' | '*' | '◦' | '▪' | '·' | '‣') {
        first.len_utf8()
    } else if first.is_ascii_digit() {
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        let next = text.as_bytes().get(digits).copied();
        if digits > 3 || !matches!(next, Some(b'.' | b')')) {
            return None;
        }
        digits + 1
    } else {
        return None;
    };
    let rest = text.get(after..)?;
    match rest.chars().next() {
        None => Some(rest),
        Some(c) if c.is_whitespace() => Some(rest),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[&str]) -> Vec<(String, bool)> {
        items(lines.iter().copied())
            .into_iter()
            .map(|i| (i.text, i.marked))
            .collect()
    }

    #[test]
    fn markers_are_stripped() {
        assert_eq!(strip_marker("- a"), Some(" a"));
        assert_eq!(strip_marker("12. a"), Some(" a"));
        assert_eq!(strip_marker("• a"), Some(" a"));
        assert_eq!(strip_marker("1."), Some(""));
        assert_eq!(strip_marker("2024 was"), None);
        assert_eq!(strip_marker("1.5 hours"), None);
        assert_eq!(strip_marker("-based"), None);
        assert_eq!(strip_marker("1234. x"), None);
        assert_eq!(strip_marker("What I found"), None);
    }

    #[test]
    fn page_and_plain_layouts_agree() {
        let plain = texts(&["Heading", "- one", "- two"]);
        let page = texts(&[
            "Heading",
            "",
            "  1. one",
            "  ",
            "      • two",
            "",
            "Back to top",
        ]);
        assert_eq!(plain, page);
    }

    #[test]
    fn wrapped_lines_join_and_marker_lines_mark_the_next() {
        assert_eq!(
            texts(&["  1. a long", "     paragraph", "  2.", "  next"]),
            vec![
                ("a long paragraph".to_string(), true),
                ("next".to_string(), true)
            ]
        );
        assert_eq!(
            texts(&["Heading", "Subheading"]),
            vec![
                ("Heading".to_string(), false),
                ("Subheading".to_string(), false)
            ]
        );
    }
}
