//! Provision lists: `section 24A(6)`, `sections 34B, 34C and 34H(3 and 4)`,
//! `s26(1)`, `Schedule 5/5A, paragraph 1/3`, `Part 3A`, `regulation 4`.
//! Reads the numbers and brackets, repairs the `34(B)` typo, expands
//! `(3 and 4)`, and pairs schedules with their paragraphs. Which Act a list
//! belongs to is decided by the caller.

use super::acts::ActHit;

/// What a list of numbers refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `section`, `sections`, `s.`, `s`, `ss.` → `s.`
    Section,
    /// `Schedule`, `Sch.` → `Sch.`
    Schedule,
    /// `paragraph`, `para.` → `para.`
    Paragraph,
    /// `Part` → `Pt.`
    Part,
    /// `regulation`, `reg.` → `reg.`
    Regulation,
    /// A schedule paired with its paragraphs → `Sch.5 para.5(2)`.
    ScheduleParagraph,
}

/// One provision as read: the number with its letters (`24A`) and the
/// bracketed parts after it, without brackets (`["6"]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Item {
    pub num: String,
    pub subs: Vec<String>,
}

/// A normalised provision, without its Act: `s.34H(i)`, with the alias that
/// swaps a first-level roman numeral for its digit (`s.34H(1)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Provision {
    pub key: String,
    pub alias: Option<String>,
}

/// One list of provisions and the byte span it was read from (head word to
/// the end of the last item).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Run {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    pub provisions: Vec<Provision>,
}

impl Run {
    /// Sections stand on their own (`section 21 notice`); schedules,
    /// paragraphs, parts and regulations are kept only with an Act, since
    /// `paragraph 7` usually points into the decision itself.
    pub(super) fn needs_act(&self) -> bool {
        self.kind != Kind::Section
    }
}

/// A head word before a number, as [`heads`] finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Head {
    pub start: usize,
    pub end: usize,
    /// The number's first digit.
    pub digit: usize,
    /// What the head word names.
    pub kind: Kind,
}

/// The head words before numbers, in order, as the regular expression
///
/// ```text
/// \b(?P<head>[Ss]ections?|ss?\.|s|[Ss]chedules?|[Ss]ch\.?|[Pp]aragraphs?
///   |[Pp]aras?\.?|[Pp]arts?|[Rr]egulations?|[Rr]egs?\.?)[ \t\u{a0}]*[0-9]
/// ```
///
/// (ASCII `\b`) would find them, but read from the digits backwards: a
/// regular expression must start a match at every `s`, `p` and `r` of the
/// text, which made it 5% of an index build's instructions (a test
/// compares the two).
pub(super) fn heads(text: &str) -> impl Iterator<Item = Head> + '_ {
    let bytes = text.as_bytes();
    (0..bytes.len())
        .filter(move |&i| bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()))
        .filter_map(move |digit| {
            // White space back from the digit: space, tab, no-break space.
            let mut end = digit;
            loop {
                if end >= 1 && matches!(bytes[end - 1], b' ' | b'\t') {
                    end -= 1;
                } else if end >= 2 && bytes[end - 2..end] == [0xc2, 0xa0] {
                    end -= 2;
                } else {
                    break;
                }
            }
            let (start, kind) = head_start(bytes, end)?;
            Some(Head {
                start,
                end,
                digit,
                kind,
            })
        })
}

/// Where the head word ending at `end` starts, if one does, and what it
/// names: a run of ASCII letters, at a word boundary, with or without a
/// final `.` as the head allows.
fn head_start(bytes: &[u8], end: usize) -> Option<(usize, Kind)> {
    let dot = end >= 1 && bytes[end - 1] == b'.';
    let letters_end = end - usize::from(dot);
    let start = bytes[..letters_end]
        .iter()
        .rposition(|b| !b.is_ascii_alphabetic())
        .map_or(0, |p| p + 1);
    let is_word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    if start == letters_end || start.checked_sub(1).is_some_and(|p| is_word(&bytes[p])) {
        return None;
    }
    let word = &bytes[start..letters_end];
    // The first letter may be a capital, except in `s.`, `ss.` and `s`.
    let (first, rest) = word.split_first()?;
    let lower = first.to_ascii_lowercase();
    let capital = first.is_ascii_uppercase();
    let kind = match (lower, rest) {
        (b's', b"" | b"s") if !capital && (dot || rest.is_empty()) => Kind::Section,
        (b's', b"ection" | b"ections") if !dot => Kind::Section,
        (b's', b"chedule" | b"chedules") if !dot => Kind::Schedule,
        (b's', b"ch") => Kind::Schedule,
        (b'p', b"aragraph" | b"aragraphs") if !dot => Kind::Paragraph,
        (b'p', b"ara" | b"aras") => Kind::Paragraph,
        (b'p', b"art" | b"arts") if !dot => Kind::Part,
        (b'r', b"egulation" | b"egulations") if !dot => Kind::Regulation,
        (b'r', b"eg" | b"egs") => Kind::Regulation,
        _ => return None,
    };
    Some((start, kind))
}

/// At most this many items come out of one bracket expansion.
const MAX_ALTERNATIVES: usize = 16;

/// Every provision list in `text`, in order, skipping head words inside Act
/// names (`… Regulations 2014`) and pairing `Schedule N` with `paragraph M`.
pub(super) fn find(text: &str, acts: &[ActHit]) -> Vec<Run> {
    let mut runs: Vec<(Kind, usize, usize, Vec<Item>)> = Vec::new();
    let mut last_end = 0;
    for head in heads(text) {
        // A bare `s` must touch its number (`s26`).
        if head.start < last_end
            || (&text[head.start..head.end] == "s" && head.end < head.digit)
            || text[..head.start].ends_with(['-', '\u{2011}'])
            || inside_act(acts, head.start)
        {
            continue;
        }
        if let Some((items, end)) = parse_list(text, head.digit) {
            last_end = end;
            runs.push((head.kind, head.start, end, items));
        }
    }
    pair_schedules(text, runs)
}

fn inside_act(acts: &[ActHit], pos: usize) -> bool {
    let i = acts.partition_point(|a| a.end <= pos);
    acts.get(i).is_some_and(|a| a.start <= pos)
}

/// A list of items from `pos` (a digit): `24A(6)`, `34B, 34C and 34H(3 and
/// 4)`, `5/5A`. Returns the items and where the last one ends.
fn parse_list(text: &str, pos: usize) -> Option<(Vec<Item>, usize)> {
    let (mut items, mut end) = parse_item(text, pos)?;
    while let Some(next) = continuation(text, end) {
        let parsed = if text.as_bytes().get(next) == Some(&b'(') {
            items
                .last()
                .and_then(|prev| parse_sibling(text, next, prev))
        } else {
            parse_item(text, next)
        };
        match parsed {
            Some((more, e)) if follows_list(text, e) => {
                items.extend(more);
                end = e;
            }
            _ => break,
        }
    }
    Some((items, end))
}

/// Skips a separator (`,`, `and`, `or`, `&`, `/`, `as amended`, in any
/// combination) after an item; returns the next item's position when one
/// follows.
fn continuation(text: &str, end: usize) -> Option<usize> {
    let mut j = end;
    let mut separated = false;
    for _ in 0..6 {
        j = skip_spaces(text, j);
        let rest = &text[j..];
        let len = if rest.starts_with([',', '&', '/']) {
            1
        } else if starts_with_word(rest, "and") {
            3
        } else if starts_with_word(rest, "or") {
            2
        } else if starts_with_ci(rest, "as amended") {
            "as amended".len()
        } else {
            break;
        };
        j += len;
        separated = true;
    }
    let j = skip_spaces(text, j);
    let starts_item = text
        .as_bytes()
        .get(j)
        .is_some_and(|&b| b.is_ascii_digit() || b == b'(');
    (separated && starts_item).then_some(j)
}

/// A continuation item must end the list or be followed by punctuation or
/// a joining word, so `section 17 and 20 children` stops after `17`.
fn follows_list(text: &str, end: usize) -> bool {
    let j = skip_spaces(text, end);
    let rest = &text[j..];
    match rest.chars().next() {
        None => true,
        Some(c) if ")],.;:/&\r\n".contains(c) => true,
        Some(_) => ["and", "or", "as", "of", "to", "in", "under"]
            .iter()
            .any(|w| starts_with_word(rest, w)),
    }
}

/// One item at `pos`: digits, up to three capital letters, then bracketed
/// parts. `34(B)` and `34(B)6` are read as `34B` and `34B(6)`; `34H(3 and
/// 4)` yields two items. `None` when `pos` does not start a number, or the
/// number runs into a word (`17th`) or a decimal (`3.4`, a policy section).
fn parse_item(text: &str, pos: usize) -> Option<(Vec<Item>, usize)> {
    let b = text.as_bytes();
    let digits_end = pos + count(b, pos, 5, u8::is_ascii_digit);
    if digits_end == pos || digits_end - pos > 4 {
        return None;
    }
    let mut i = digits_end + count(b, digits_end, 3, u8::is_ascii_uppercase);
    let decimal = b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit);
    if decimal || b.get(i).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    let mut num = text[pos..i].to_string();
    let mut alts: Vec<Vec<String>> = vec![Vec::new()];
    let mut first = true;
    while b.get(i) == Some(&b'(') {
        let Some((tokens, close)) = bracket(text, i) else {
            break;
        };
        i = close + 1;
        if first && is_typo_letter(&tokens, &num) {
            // `34(B)` is `34B`; digits straight after (`34(B)6`) are `(6)`.
            num.push_str(&tokens[0]);
            let n = count(b, i, 3, u8::is_ascii_digit);
            if n > 0 {
                push_all(&mut alts, &text[i..i + n]);
                i += n;
            }
        } else {
            alts = expand(alts, &tokens);
        }
        first = false;
    }
    let items = alts
        .into_iter()
        .map(|subs| Item {
            num: num.clone(),
            subs,
        })
        .collect();
    Some((items, i))
}

/// `(b)` in `26(6)(a), (b) and (c)`: the previous item with its last
/// bracket replaced (further brackets are appended).
fn parse_sibling(text: &str, pos: usize, prev: &Item) -> Option<(Vec<Item>, usize)> {
    let (_, base) = prev.subs.split_last()?;
    let (tokens, close) = bracket(text, pos)?;
    let mut alts = expand(vec![base.to_vec()], &tokens);
    let mut i = close + 1;
    while text.as_bytes().get(i) == Some(&b'(') {
        let Some((tokens, close)) = bracket(text, i) else {
            break;
        };
        alts = expand(alts, &tokens);
        i = close + 1;
    }
    let items = alts
        .into_iter()
        .map(|subs| Item {
            num: prev.num.clone(),
            subs,
        })
        .collect();
    Some((items, i))
}

/// `34(B)`: one capital letter in the first bracket, after a number with no
/// letters of its own.
fn is_typo_letter(tokens: &[String], num: &str) -> bool {
    tokens.len() == 1
        && tokens[0].len() == 1
        && tokens[0].bytes().all(|c| c.is_ascii_uppercase())
        && num.bytes().all(|c| c.is_ascii_digit())
}

fn push_all(alts: &mut [Vec<String>], sub: &str) {
    for alt in alts.iter_mut() {
        alt.push(sub.to_string());
    }
}

fn expand(alts: Vec<Vec<String>>, tokens: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::with_capacity(alts.len() * tokens.len());
    for alt in alts {
        for token in tokens {
            if out.len() >= MAX_ALTERNATIVES {
                return out;
            }
            let mut next = alt.clone();
            next.push(token.clone());
            out.push(next);
        }
    }
    out
}

/// The bracket opening at `open`: its tokens (`(6)` → `6`, `(3 and 4)` →
/// `3`, `4`) and the position of `)`. `None` for anything that does not look
/// like a subsection (`(ICO)`, a long remark, an unclosed bracket).
fn bracket(text: &str, open: usize) -> Option<(Vec<String>, usize)> {
    let b = text.as_bytes();
    let limit = (open + 24).min(b.len());
    let close = (open + 1..limit).find(|&j| b[j] == b')')?;
    let inner = text.get(open + 1..close)?;
    if !inner.is_ascii() || inner.contains('(') || inner.contains('\n') {
        return None;
    }
    let tokens: Vec<String> = inner
        .split([',', '&', ' ', '\t'])
        .filter(|t| !t.is_empty() && *t != "and" && *t != "or")
        .map(str::to_string)
        .collect();
    (!tokens.is_empty() && tokens.iter().all(|t| is_sub_token(t))).then_some((tokens, close))
}

/// `6`, `1B`, `i`, `iv`, `a`, `B`.
fn is_sub_token(t: &str) -> bool {
    let b = t.as_bytes();
    let digits = count(b, 0, 4, u8::is_ascii_digit);
    if digits > 0 {
        return digits <= 3
            && b.len() - digits <= 2
            && b[digits..].iter().all(u8::is_ascii_alphabetic);
    }
    (b.len() <= 4 && b.iter().all(u8::is_ascii_lowercase))
        || (b.len() <= 2 && b.iter().all(u8::is_ascii_uppercase))
}

/// How many bytes from `pos` (at most `max`) satisfy `pred`.
fn count(b: &[u8], pos: usize, max: usize, pred: fn(&u8) -> bool) -> usize {
    b.get(pos..).map_or(0, |rest| {
        rest.iter().take(max).take_while(|c| pred(c)).count()
    })
}

fn skip_spaces(text: &str, mut j: usize) -> usize {
    loop {
        let rest = &text[j..];
        if rest.starts_with([' ', '\t']) {
            j += 1;
        } else if rest.starts_with('\u{a0}') {
            j += '\u{a0}'.len_utf8();
        } else {
            return j;
        }
    }
}

/// `rest` starts with `word` as a whole word (ASCII).
fn starts_with_word(rest: &str, word: &str) -> bool {
    rest.starts_with(word)
        && !rest
            .as_bytes()
            .get(word.len())
            .is_some_and(u8::is_ascii_alphanumeric)
}

fn starts_with_ci(rest: &str, prefix: &str) -> bool {
    rest.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// Joins `Schedule N` and `paragraph M` written next to each other (either
/// order, joined by nothing, a comma or `of`), then renders every run.
fn pair_schedules(text: &str, raw: Vec<(Kind, usize, usize, Vec<Item>)>) -> Vec<Run> {
    let mut out = Vec::with_capacity(raw.len());
    let mut iter = raw.into_iter().peekable();
    while let Some((kind, start, end, items)) = iter.next() {
        let pairable = matches!(kind, Kind::Schedule | Kind::Paragraph);
        if let Some((next_kind, next_start, next_end, next_items)) = iter.peek()
            && pairable
            && matches!(next_kind, Kind::Schedule | Kind::Paragraph)
            && *next_kind != kind
            && joined(text, end, *next_start)
        {
            let (schedules, paragraphs) = if kind == Kind::Schedule {
                (&items, next_items)
            } else {
                (next_items, &items)
            };
            let provisions = pair(schedules, paragraphs);
            let next_end = *next_end;
            iter.next();
            out.push(Run {
                start,
                end: next_end,
                kind: Kind::ScheduleParagraph,
                provisions,
            });
            continue;
        }
        let provisions = items.iter().map(|item| render(kind, item)).collect();
        out.push(Run {
            start,
            end,
            kind,
            provisions,
        });
    }
    out
}

/// The gap between two runs is only spaces, commas and an `of` / `of the`.
fn joined(text: &str, end: usize, next_start: usize) -> bool {
    let Some(gap) = text.get(end..next_start) else {
        return false;
    };
    let words: Vec<&str> = gap
        .split([' ', '\t', '\u{a0}', ','])
        .filter(|w| !w.is_empty())
        .collect();
    matches!(
        words.as_slice(),
        [] | ["of"] | ["of", "the"] | ["to"] | ["to", "the"]
    )
}

/// `Schedule 5/5A, paragraph 1/3` → `Sch.5 para.1`, `Sch.5A para.3`; one
/// schedule takes all the paragraphs; extra schedules stand alone and extra
/// paragraphs go under the last schedule.
fn pair(schedules: &[Item], paragraphs: &[Item]) -> Vec<Provision> {
    let mut out = Vec::new();
    let Some(last) = schedules.last() else {
        return out;
    };
    for (i, para) in paragraphs.iter().enumerate() {
        let sch = if schedules.len() == 1 {
            last
        } else {
            schedules.get(i).unwrap_or(last)
        };
        let prefix = format!("Sch.{} para.", item_text(sch, &sch.subs));
        out.push(Provision {
            alias: None,
            ..provision(&prefix, para)
        });
    }
    for sch in schedules.iter().skip(paragraphs.len().max(1)) {
        out.push(render(Kind::Schedule, sch));
    }
    out
}

fn render(kind: Kind, item: &Item) -> Provision {
    let prefix = match kind {
        Kind::Section => "s.",
        Kind::Schedule | Kind::ScheduleParagraph => "Sch.",
        Kind::Paragraph => "para.",
        Kind::Part => "Pt.",
        Kind::Regulation => "reg.",
    };
    let mut p = provision(prefix, item);
    if kind != Kind::Section {
        p.alias = None;
    }
    p
}

/// `prefix` + item, with the roman/arabic alias of a first-level `(i)`–`(iv)`
/// or `(1)`–`(4)` (kept for sections only, by [`render`]).
fn provision(prefix: &str, item: &Item) -> Provision {
    let key = format!("{prefix}{}", item_text(item, &item.subs));
    let alias = item.subs.first().and_then(|first| {
        let swapped = swap_roman(first)?;
        let mut subs = item.subs.clone();
        subs[0] = swapped.to_string();
        Some(format!("{prefix}{}", item_text(item, &subs)))
    });
    Provision { key, alias }
}

fn item_text(item: &Item, subs: &[String]) -> String {
    let mut s = item.num.clone();
    for sub in subs {
        s.push('(');
        s.push_str(sub);
        s.push(')');
    }
    s
}

/// `i`↔`1`, `ii`↔`2`, `iii`↔`3`, `iv`↔`4`.
fn swap_roman(sub: &str) -> Option<&'static str> {
    const PAIRS: [(&str, &str); 4] = [("i", "1"), ("ii", "2"), ("iii", "3"), ("iv", "4")];
    PAIRS.iter().find_map(|&(roman, arabic)| {
        if sub == roman {
            Some(arabic)
        } else if sub == arabic {
            Some(roman)
        } else {
            None
        }
    })
}
