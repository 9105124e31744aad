//! Raw lines and page furniture: splitting the text into lines with byte
//! offsets (LF or CRLF), finding where the decision starts (title line,
//! bare-reference title, or `The Ombudsman's final decision` line) and where
//! it ends (the first `Print this page`, `LGO logogram` or `Privacy settings`
//! after the closing line), so that `full_text` is the text as read minus
//! cookie banners and footer.

use super::header;

/// One line of the source, without its line terminator (`\n` or `\r\n`).
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    /// The line's text, without `\r\n`/`\n`.
    pub text: &'a str,
    /// Byte offset of the line's first byte in the text it was split from.
    pub start: usize,
}

/// Splits `text` into lines, accepting LF and CRLF; a lone final line
/// without a newline is kept. Offsets are always char boundaries.
pub fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::with_capacity(text.len() / 60 + 1);
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let body = piece.strip_suffix('\n').unwrap_or(piece);
        let body = body.strip_suffix('\r').unwrap_or(body);
        lines.push(Line { text: body, start });
        start += piece.len();
    }
    lines
}

/// True for a line of page furniture that ends the decision text.
pub fn is_furniture(line: &str) -> bool {
    let t = line.trim();
    t.eq_ignore_ascii_case("print this page")
        || starts_with_ignore_ascii_case(t, "lgo logogram")
        || starts_with_ignore_ascii_case(t, "privacy settings")
}

/// `s` starts with `prefix`, ignoring ASCII case; never slices inside a char.
pub fn starts_with_ignore_ascii_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Index of the first line that starts a decision: a title with a reference,
/// a bare-reference title followed by header fields, or a final-decision
/// line. `None` when the text has no decision header at all.
pub fn find_start(lines: &[Line<'_>]) -> Option<usize> {
    lines.iter().enumerate().position(|(i, line)| {
        header::parse_title(line.text).is_some()
            || header::is_final_decision_line(line.text)
            || (header::is_bare_reference(line.text) && fields_follow(&lines[i + 1..]))
    })
}

/// A header field (`Category :`, `Decision :`, `Decision date :`) among the
/// next few non-blank lines.
fn fields_follow(rest: &[Line<'_>]) -> bool {
    rest.iter()
        .filter(|l| !l.text.trim().is_empty())
        .take(3)
        .any(|l| header::parse_field(l.text).is_some())
}

/// Byte range `(start, end)` of the decision proper within the text the
/// lines were split from (`text_len` bytes): from the start line to the
/// first furniture line after the first closing line (or after the start
/// line when there is no closing line), with trailing whitespace before the
/// furniture dropped. Without furniture the text runs to the end unchanged.
pub fn decision_span(text: &str, lines: &[Line<'_>], start_line: usize) -> (usize, usize) {
    let start = lines.get(start_line).map_or(0, |l| l.start);
    let after = lines
        .iter()
        .enumerate()
        .skip(start_line + 1)
        .find(|(_, l)| header::is_closing_line(l.text))
        .map_or(start_line, |(i, _)| i);
    let end = lines
        .iter()
        .skip(after + 1)
        .find(|l| is_furniture(l.text))
        .map_or(text.len(), |l| {
            let cut = text.get(start..l.start).unwrap_or("");
            start + cut.trim_end().len()
        });
    (start, end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_accept_crlf_and_no_final_newline() {
        let lines = split_lines("a\r\nb\n\nc");
        let texts: Vec<&str> = lines.iter().map(|l| l.text).collect();
        assert_eq!(texts, ["a", "b", "", "c"]);
        assert_eq!(lines[3].start, 6);
    }

    #[test]
    fn furniture_is_recognised() {
        assert!(is_furniture("  Print this page "));
        assert!(is_furniture("LGO logogram"));
        assert!(is_furniture("Privacy settings We use cookies…"));
        assert!(!is_furniture("Please print this page"));
        assert!(!starts_with_ignore_ascii_case("Priv’", "privacy"));
    }
}
