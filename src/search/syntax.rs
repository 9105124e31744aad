//! The query language: user text → [`Node`] tree, or a [`SyntaxError`] that
//! says where and what is wrong.
//!
//! ```text
//! ICO "better placed"            both (words are ANDed by default)
//! data OR information            either; OR binds tighter than the implicit AND,
//!                                so `council tax OR benefit` = council AND (tax OR benefit)
//! complaint -late / NOT late     exclusion
//! "time and trouble"~2           phrase, words up to 2 positions apart
//! (noise OR nuisance) neighbour  grouping
//! summary:"better placed"        a field: text summary complaint reasons final
//!                                council outcome category cites ref year
//! 23 018 551, 23018551, 23-018-551   a case reference
//! ```
//!
//! Quotes may be straight (`"`) or curly (`“ ”`). `AND`, `OR` and `NOT` are
//! operators only in capitals; in lower case they are words. Parentheses
//! inside a word (`24A(6)`) belong to the word. The parser knows nothing of
//! the index: whether a field exists is checked when the tree is compiled.

use std::fmt;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 2000;
/// Deepest nesting of parentheses and NOTs accepted.
const MAX_DEPTH: usize = 32;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// Matches every decision (the empty query).
    All,
    /// An unquoted word: matches its stemmed forms.
    Word { field: Option<String>, text: String },
    /// A quoted phrase: matches these words in this order, exactly (modulo
    /// case and apostrophe style), up to `slop` positions apart.
    Phrase {
        field: Option<String>,
        text: String,
        slop: u32,
    },
    /// A case reference, normalised (`23018551`).
    CaseRef(String),
    /// All must match.
    And(Vec<Node>),
    /// Any may match.
    Or(Vec<Node>),
    /// Must not match.
    Not(Box<Node>),
}

/// A query that cannot be read, with the character offset of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Character (not byte) offset in the query.
    pub position: usize,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.position + 1)
    }
}

impl std::error::Error for SyntaxError {}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    /// A `name:` prefix; the value follows as the next token.
    Field(String),
    Phrase {
        text: String,
        slop: u32,
    },
    Open,
    Close,
    And,
    Or,
    Not,
    Minus,
    Plus,
}

fn err<T>(position: usize, message: impl Into<String>) -> Result<T, SyntaxError> {
    Err(SyntaxError {
        position,
        message: message.into(),
    })
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}')
}

/// Splits the query into tokens with their character positions.
fn lex(input: &str) -> Result<Vec<(usize, Tok)>, SyntaxError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_control() {
            return err(
                i,
                format!(
                    "the query contains a control character (U+{:04X}); remove it",
                    c as u32
                ),
            );
        }
        let start = i;
        if is_quote(c) {
            let close = chars[i + 1..].iter().position(|&c| is_quote(c));
            let Some(len) = close else {
                return err(
                    start,
                    "unbalanced quote: a phrase opened here is never closed; add the closing \"",
                );
            };
            let text: String = chars[i + 1..i + 1 + len].iter().collect();
            i += len + 2;
            let mut slop = 0;
            if chars.get(i) == Some(&'~') {
                let digits: String = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                if digits.is_empty() {
                    return err(
                        i,
                        "`~` after a phrase needs a number of positions, as in \"time and trouble\"~2",
                    );
                }
                slop = digits
                    .parse::<u32>()
                    .ok()
                    .filter(|&n| n <= 100)
                    .ok_or(SyntaxError {
                        position: i,
                        message: "phrase distance after `~` must be at most 100".into(),
                    })?;
                i += 1 + digits.len();
                if chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                {
                    return err(
                        i,
                        "phrase distance after `~` must be a whole number of positions",
                    );
                }
            }
            out.push((start, Tok::Phrase { text, slop }));
            continue;
        }
        match c {
            '(' => {
                out.push((i, Tok::Open));
                i += 1;
                continue;
            }
            ')' => {
                out.push((i, Tok::Close));
                i += 1;
                continue;
            }
            '-' | '+'
                if chars.get(i + 1).is_some_and(|n| !n.is_whitespace())
                    && at_operand_start(&out) =>
            {
                if matches!(out.last(), Some((p, Tok::Minus | Tok::Plus)) if *p + 1 == i) {
                    return err(
                        i - 1,
                        "a doubled sign (--, -+) is no operator: one - excludes what follows it (on the command line, --name is a flag: `ombudsearch search --help` lists them)",
                    );
                }
                out.push((i, if c == '-' { Tok::Minus } else { Tok::Plus }));
                i += 1;
                continue;
            }
            _ => {}
        }
        // A word: up to white space, a quote, or a `)` that closes a group.
        let mut depth = 0usize;
        let mut word = String::new();
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() || is_quote(c) || c.is_control() {
                break;
            }
            if c == '(' {
                depth += 1;
            } else if c == ')' {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            word.push(c);
            i += 1;
            if c == ':'
                && word.len() > 1
                && word[..word.len() - 1]
                    .chars()
                    .all(|c| c.is_ascii_alphabetic() || c == '_')
            {
                let name = word[..word.len() - 1].to_ascii_lowercase();
                let next = chars.get(i);
                if next.is_none_or(|c| c.is_whitespace()) {
                    return err(
                        start,
                        format!("`{name}:` needs a value right after the colon, as in {name}:word"),
                    );
                }
                out.push((start, Tok::Field(name)));
                word.clear();
                break;
            }
        }
        if word.is_empty() {
            continue;
        }
        if word.contains('*') || inner_question_mark(&word) {
            return err(
                start,
                "wildcards (* and ?) are not supported: unquoted words already match their other forms (complaints finds complaint)",
            );
        }
        if let Some(at) = operator_suffix(&word, '~', false).filter(|&at| at > 0) {
            return err(
                start + at,
                "fuzzy words (word~N) are not supported: unquoted words already match their other forms (complaints finds complaint); to let a phrase's words stand apart, put ~N after its closing quote, as in \"time and trouble\"~2",
            );
        }
        if let Some(at) = operator_suffix(&word, '^', true) {
            return err(
                start + at,
                "boosts (^N) are not supported: ranking already weighs the summary and final decision above the rest of the text",
            );
        }
        let tok = match word.as_str() {
            "AND" => Tok::And,
            "OR" => Tok::Or,
            "NOT" => Tok::Not,
            _ => Tok::Word(word),
        };
        out.push((start, tok));
    }
    Ok(out)
}

/// Where (in characters) `word` ends in `op` followed by nothing but a
/// number (`council~2`, `ICO^2`, `^1.5` after a phrase), or by nothing when
/// the number is not `required` (`council~`): the fuzzy and boost operators
/// of other engines' query languages, which would otherwise be searched
/// for as the word and a number.
fn operator_suffix(word: &str, op: char, required: bool) -> Option<usize> {
    let (head, number) = word.rsplit_once(op)?;
    let is_number = number.chars().all(|c| c.is_ascii_digit() || c == '.');
    (is_number && !(required && number.is_empty())).then(|| head.chars().count())
}

/// True when a `-` or `+` here starts an operand (not inside a word).
fn at_operand_start(tokens: &[(usize, Tok)]) -> bool {
    !matches!(tokens.last(), Some((_, Tok::Field(_))))
}

struct Parser {
    tokens: Vec<(usize, Tok)>,
    pos: usize,
    end: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|(_, t)| t)
    }

    fn here(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |(p, _)| *p)
    }

    fn and_expr(&mut self) -> Result<Node, SyntaxError> {
        let mut items = vec![self.or_expr()?];
        loop {
            match self.peek() {
                None | Some(Tok::Close) => break,
                Some(Tok::And) => {
                    self.pos += 1;
                    if matches!(self.peek(), None | Some(Tok::Close)) {
                        return err(self.here(), "AND needs something after it");
                    }
                }
                _ => {}
            }
            items.push(self.or_expr()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::And(items)
        })
    }

    fn or_expr(&mut self) -> Result<Node, SyntaxError> {
        let mut items = vec![self.unary()?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            if matches!(
                self.peek(),
                None | Some(Tok::Close) | Some(Tok::And) | Some(Tok::Or)
            ) {
                return err(self.here(), "OR needs something after it");
            }
            items.push(self.unary()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::Or(items)
        })
    }

    fn unary(&mut self) -> Result<Node, SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(self.here(), "the query nests too deeply");
        }
        let node = match self.peek() {
            Some(Tok::Not) | Some(Tok::Minus) => {
                self.pos += 1;
                if matches!(
                    self.peek(),
                    None | Some(Tok::Close) | Some(Tok::And) | Some(Tok::Or)
                ) {
                    return err(
                        self.here(),
                        "NOT (or -) needs something to exclude after it",
                    );
                }
                Node::Not(Box::new(self.unary()?))
            }
            Some(Tok::Plus) => {
                self.pos += 1;
                self.primary()?
            }
            _ => self.primary()?,
        };
        self.depth -= 1;
        Ok(node)
    }

    fn primary(&mut self) -> Result<Node, SyntaxError> {
        let at = self.here();
        let Some((_, tok)) = self.tokens.get(self.pos).cloned() else {
            return err(at, "the query ends where a word or phrase was expected");
        };
        self.pos += 1;
        match tok {
            Tok::Open => self.group(at, None),
            Tok::Word(w) => Ok(self.word_or_ref(w)),
            Tok::Phrase { text, slop } => Ok(Node::Phrase {
                field: None,
                text,
                slop,
            }),
            Tok::Field(name) => {
                let vat = self.here();
                match self.tokens.get(self.pos).cloned().map(|(_, t)| t) {
                    Some(Tok::Word(text)) => {
                        self.pos += 1;
                        Ok(Node::Word {
                            field: Some(name),
                            text,
                        })
                    }
                    Some(Tok::Phrase { text, slop }) => {
                        self.pos += 1;
                        Ok(Node::Phrase {
                            field: Some(name),
                            text,
                            slop,
                        })
                    }
                    Some(Tok::Open) => {
                        self.pos += 1;
                        self.group(vat, Some(&name))
                    }
                    _ => err(
                        vat,
                        format!("`{name}:` needs a word, a \"phrase\" or a (group) after it"),
                    ),
                }
            }
            Tok::Close => err(at, "unbalanced parenthesis: `)` has no matching `(`"),
            Tok::And | Tok::Or => err(at, "AND/OR needs something before it"),
            Tok::Not | Tok::Minus | Tok::Plus => err(at, "misplaced operator"),
        }
    }

    fn group(&mut self, open_at: usize, field: Option<&str>) -> Result<Node, SyntaxError> {
        if self.peek() == Some(&Tok::Close) {
            return err(open_at, "empty parentheses: put words between ( and )");
        }
        let inner = self.and_expr()?;
        if self.peek() != Some(&Tok::Close) {
            return err(
                open_at,
                "unbalanced parenthesis: `(` opened here is never closed",
            );
        }
        self.pos += 1;
        Ok(match field {
            Some(f) => with_field(inner, f),
            None => inner,
        })
    }

    /// A word, or three words that spell a case reference (`23 018 551`).
    fn word_or_ref(&mut self, w: String) -> Node {
        if let Some(r) = crate::caseref::normalise(&w) {
            return Node::CaseRef(r);
        }
        if w.len() == 2
            && w.bytes().all(|b| b.is_ascii_digit())
            && let (Some((_, Tok::Word(b))), Some((_, Tok::Word(c)))) =
                (self.tokens.get(self.pos), self.tokens.get(self.pos + 1))
            && let Some(r) = crate::caseref::normalise(&format!("{w} {b} {c}"))
        {
            self.pos += 2;
            return Node::CaseRef(r);
        }
        Node::Word {
            field: None,
            text: w,
        }
    }
}

/// Applies `field:` to every unfielded word and phrase of a group.
fn with_field(node: Node, f: &str) -> Node {
    match node {
        Node::Word { field: None, text } => Node::Word {
            field: Some(f.to_string()),
            text,
        },
        Node::Phrase {
            field: None,
            text,
            slop,
        } => Node::Phrase {
            field: Some(f.to_string()),
            text,
            slop,
        },
        Node::And(v) => Node::And(v.into_iter().map(|n| with_field(n, f)).collect()),
        Node::Or(v) => Node::Or(v.into_iter().map(|n| with_field(n, f)).collect()),
        Node::Not(n) => Node::Not(Box::new(with_field(*n, f))),
        other => other,
    }
}

/// Parses a query. White space alone is [`Node::All`].
pub fn parse(input: &str) -> Result<Node, SyntaxError> {
    let len = input.chars().count();
    if len > MAX_QUERY_CHARS {
        return err(
            MAX_QUERY_CHARS,
            format!("the query is {len} characters long; the limit is {MAX_QUERY_CHARS}"),
        );
    }
    let tokens = lex(input)?;
    if tokens.is_empty() {
        return Ok(Node::All);
    }
    let mut p = Parser {
        tokens,
        pos: 0,
        end: len,
        depth: 0,
    };
    let node = p.and_expr()?;
    if p.pos < p.tokens.len() {
        return err(p.here(), "unbalanced parenthesis: `)` has no matching `(`");
    }
    Ok(node)
}

/// Whether `word` has a `?` between two letters or digits (`organi?ation`),
/// a one-letter wildcard; a question's own mark (`happened?`) is not one.
fn inner_question_mark(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    chars
        .windows(3)
        .any(|w| w[1] == '?' && w[0].is_alphanumeric() && w[2].is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn w(t: &str) -> Node {
        Node::Word {
            field: None,
            text: t.into(),
        }
    }
    fn p(t: &str) -> Node {
        Node::Phrase {
            field: None,
            text: t.into(),
            slop: 0,
        }
    }

    #[test]
    fn words_and_phrases() {
        assert_eq!(parse("ICO").unwrap(), w("ICO"));
        assert_eq!(
            parse("\"ICO is better placed\"").unwrap(),
            p("ICO is better placed")
        );
        assert_eq!(
            parse("“ICO is better placed”").unwrap(),
            p("ICO is better placed")
        );
        assert_eq!(parse("a b").unwrap(), Node::And(vec![w("a"), w("b")]));
        assert_eq!(parse("   ").unwrap(), Node::All);
    }

    #[test]
    fn operators_and_precedence() {
        assert_eq!(
            parse("council tax OR benefit").unwrap(),
            Node::And(vec![w("council"), Node::Or(vec![w("tax"), w("benefit")])])
        );
        assert_eq!(parse("a AND b").unwrap(), Node::And(vec![w("a"), w("b")]));
        assert_eq!(
            parse("a -b").unwrap(),
            Node::And(vec![w("a"), Node::Not(Box::new(w("b")))])
        );
        assert_eq!(
            parse("a NOT b").unwrap(),
            Node::And(vec![w("a"), Node::Not(Box::new(w("b")))])
        );
        assert_eq!(
            parse("(a OR b) c").unwrap(),
            Node::And(vec![Node::Or(vec![w("a"), w("b")]), w("c")])
        );
        assert_eq!(parse("low-priority").unwrap(), w("low-priority"));
        assert_eq!(
            parse("a or b").unwrap(),
            Node::And(vec![w("a"), w("or"), w("b")])
        );
    }

    #[test]
    fn slop_fields_and_refs() {
        assert_eq!(
            parse("\"time trouble\"~2").unwrap(),
            Node::Phrase {
                field: None,
                text: "time trouble".into(),
                slop: 2
            }
        );
        assert_eq!(
            parse("summary:\"better placed\"").unwrap(),
            Node::Phrase {
                field: Some("summary".into()),
                text: "better placed".into(),
                slop: 0
            }
        );
        assert_eq!(
            parse("cites:s.26(6)").unwrap(),
            Node::Word {
                field: Some("cites".into()),
                text: "s.26(6)".into()
            }
        );
        assert_eq!(
            parse("summary:(a OR b)").unwrap(),
            Node::Or(vec![
                Node::Word {
                    field: Some("summary".into()),
                    text: "a".into()
                },
                Node::Word {
                    field: Some("summary".into()),
                    text: "b".into()
                },
            ])
        );
        for q in ["23 018 551", "23018551", "23-018-551"] {
            assert_eq!(parse(q).unwrap(), Node::CaseRef("23018551".into()), "{q}");
        }
        assert_eq!(
            parse("section 24A(6)").unwrap(),
            Node::And(vec![w("section"), w("24A(6)")])
        );
    }

    #[test]
    fn malformed_queries_are_errors() {
        for q in [
            "\"ICO is better",
            "(a b",
            "a b)",
            "()",
            "a OR",
            "OR a",
            "NOT",
            "a AND",
            "summary:",
            "x\u{7}y",
            "*",
            "comp*",
            "organi?ation",
            "plac?d",
            "\"a\"~",
            "\"a\"~999",
            "\"a b\"~2.5",
            "council~2",
            "fault~",
            "ICO^2",
            "\"ICO\"^2",
            "council^1.5",
            "--limt",
            "council --limt 5",
            "-+x",
        ] {
            assert!(parse(q).is_err(), "{q:?} should fail");
        }
        let e = parse("ICO \"is better").unwrap_err();
        assert_eq!(e.position, 4);
        assert!(e.message.contains("unbalanced quote"));
        let e = parse("the council~2").unwrap_err();
        assert_eq!(e.position, 11);
        assert!(e.message.contains("fuzzy"), "{}", e.message);
        assert!(parse("ICO^2").unwrap_err().message.contains("boosts"));
        // Not operators: a lone `~`, a `~` or `^` inside a word.
        assert!(parse("plac?d").unwrap_err().message.contains("wildcards"));
        for q in [
            "~",
            "~2",
            "a ~ b",
            "x^y",
            "a~b",
            "£200^",
            "what happened?",
            "why? because",
            "?x",
            "x??",
        ] {
            assert!(parse(q).is_ok(), "{q:?} should parse");
        }
        assert!(parse(&"a ".repeat(MAX_QUERY_CHARS)).is_err());
        assert!(parse(&"(".repeat(100)).is_err());
    }

    proptest! {
        #[test]
        fn never_panics(q in "\\PC{0,80}") {
            let _ = parse(&q);
        }

        #[test]
        fn never_panics_on_syntax_soup(q in "[ ()\"~:a-zA-Z0-9*+-]{0,40}") {
            if let Err(e) = parse(&q) {
                prop_assert!(e.position <= q.chars().count());
            }
        }
    }
}
