//! Where a citation's Act may come from: the parenthesis around it and the
//! sentence it sits in, both confined to one line (a paragraph or list item
//! in both the plain-text and the page form).

/// One line of the text, with its top-level brackets and sentence starts.
pub(super) struct Line {
    /// Byte offset of the line's first character.
    pub start: usize,
    /// Byte offset of the line's end (its `\n`, or the end of the text).
    pub end: usize,
    /// Top-level bracket spans, `(` to `)` inclusive; an unclosed bracket
    /// runs to the end of the line (trailing whitespace dropped).
    parens: Vec<(usize, usize)>,
    /// Offsets where a new sentence starts.
    breaks: Vec<usize>,
}

impl Line {
    /// Scans `text[start..end]` once for brackets and sentence ends.
    pub(super) fn new(text: &str, start: usize, end: usize) -> Line {
        let line = &text[start..end];
        Line {
            start,
            end,
            parens: parens(line, start),
            breaks: sentence_breaks(line, start),
        }
    }

    /// The top-level bracket span that wholly contains `start..end`.
    pub(super) fn paren_of(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let i = self.parens.partition_point(|p| p.1 < end);
        self.parens
            .get(i)
            .copied()
            .filter(|p| p.0 <= start && end <= p.1)
    }

    /// The sentence containing `pos`, as a byte span.
    pub(super) fn sentence_of(&self, pos: usize) -> (usize, usize) {
        let i = self.breaks.partition_point(|&b| b <= pos);
        let start = if i == 0 {
            self.start
        } else {
            self.breaks[i - 1]
        };
        let end = self.breaks.get(i).copied().unwrap_or(self.end);
        (start, end)
    }
}

fn parens(line: &str, offset: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut open = 0;
    for (i, b) in line.bytes().enumerate() {
        match b {
            b'(' => {
                if depth == 0 {
                    open = i;
                }
                depth += 1;
            }
            b')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push((offset + open, offset + i + 1));
                }
            }
            _ => {}
        }
    }
    if depth > 0 {
        out.push((offset + open, offset + line.trim_end().len()));
    }
    out
}

/// A sentence ends at `.`, `?` or `!` followed by a space and a capital
/// letter or opening quote, or followed straight away by `(`
/// (`investigation.(Local Government Act 1974 …`).
fn sentence_breaks(line: &str, offset: usize) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, c) in line.char_indices() {
        if !matches!(c, '.' | '?' | '!') {
            continue;
        }
        let after = &line[i + 1..];
        let trimmed = after.trim_start_matches([' ', '\t', '\u{a0}']);
        let spaced = trimmed.len() < after.len();
        match trimmed.chars().next() {
            Some('(') => out.push(offset + i + 1),
            Some(next) if spaced && (next.is_uppercase() || "‘“\"'".contains(next)) => {
                out.push(offset + i + 1)
            }
            _ => {}
        }
    }
    out
}
