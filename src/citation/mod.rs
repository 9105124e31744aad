//! Statutory citations: finding them in a decision's text and normalising
//! them to one key per provision, so that `--cites s.24A(6)` and the facet on
//! Acts find every decision citing a provision however it was written.
//!
//! This module owns the whole path from raw text to [`Citation`]s; the parser
//! calls [`extract`] on the full text and the indexer stores the keys.
//!
//! # Normal form
//!
//! `<Act> <year> <provision>`, where the provision is one of
//! `s.<section>[(<sub>)…]`, `Sch.<n> para.<m>[(<sub>)…]`, `Sch.<n>`,
//! `Pt.<n>`, `reg.<n>[(<sub>)…]` or `para.<n>` — for example
//! `Local Government Act 1974 s.24A(6)`, `Local Government Act 1974
//! s.26(6)(a)`, `Local Government Act 1974 Sch.5 para.5(2)`,
//! `Local Government Act 1974 Pt.3A`, `Housing Act 1996 s.202`. An Act named
//! without a provision is its own key (`Care Act 2014`). A section with no
//! Act anywhere near it keeps the provision alone (`s.21`, `act: None`).
//!
//! Act names are kept as written, except: a leading `The` (and other leading
//! words such as `Under`) is dropped, `’` becomes `'`, the non-breaking
//! hyphen becomes `-` and runs of spaces/NBSP become one space. `LGA <yyyy>`
//! is `Local Government Act <yyyy>`; `Local Government Act` with no year is
//! `Local Government Act 1974`.
//!
//! # Mapping rules (FORMAT.md §7)
//!
//! 1. A parenthesis naming an Act sets the Act for every provision in it; in
//!    running text the Act may come last (`s.202 of the Housing Act 1996`,
//!    preferred), straight before (`LGA 1974 s24A(6)`, `Care Act 2014,
//!    section 42`) or straight after with only spaces between
//!    (`s.26B(2) LGA 1974`). `of the 1996 Act` names the latest earlier
//!    mention of an Act of that year (or the 1974 Act for `1974`).
//!    Otherwise a section takes the nearest Act in the same sentence (before
//!    it, else after it), but the Local Government Act 1974 is never lent
//!    this way to a section used as an adjective (`section 21 notice`,
//!    `section 17 assessment`). Schedules, paragraphs, parts and regulations
//!    are kept only when their Act is in the same parenthesis or explicit.
//! 2. `section`, `sections`, `s`, `s.`, `ss.` become `s.`; lists split on
//!    `,`, `and`, `or`, `&` and `/`, each item taking the list's Act; a
//!    repeated head word (`, as amended, section 34(B)`) starts a new list.
//! 3. A single capital letter in brackets straight after a bare number is a
//!    typo: `34(B)` → `34B`, `34(B)6` → `34B(6)`. Other brackets are kept as
//!    written: `26(6)(a)`, `30(1B)`, `34H(i)`.
//! 4. `34H(3 and 4)` → `34H(3)` and `34H(4)`.
//! 5. `Schedule 5, paragraph 5(2)` → `Sch.5 para.5(2)`; `paragraph 5A
//!    schedule 5` → `Sch.5 para.5A`; `Schedule 5/5A, paragraph 1/3` →
//!    `Sch.5 para.1` and `Sch.5A para.3`.
//! 6. `as amended` is dropped.
//! 7. A first-level `(i)`–`(iv)` and `(1)`–`(4)` are recorded as aliases of
//!    each other (`s.34H(i)` ↔ `s.34H(1)`); the key keeps what was written.
//! 8. Every citation keeps its raw span and byte offsets: the whole
//!    parenthesis when it came from one (several citations then share it),
//!    otherwise the running-text phrase (`s.202 of the Housing Act 1996`).
//!
//! An Act mention that gave no provision keys yields one bare key per
//! mention; one that did yields none of its own.
//!
//! Tolerated defects: unclosed brackets (the parenthesis runs to the end of
//! the line), no space before `(`, `33ZA,as amended`, citation paragraphs
//! standing alone, curly apostrophes, NBSP, CRLF.
//!
//! Not handled: ranges (`sections 34A to 34T`, `ss.26-28`), `subsection
//! (3)` and `sub-section 4`, `Article 8`, `the Act` (left to the sentence
//! rule), yearless Acts other than the Local Government Act, and citations
//! that wrap onto a second line.
//!
//! Cost: two regex passes over the text (Act names, provision heads) and one
//! scan of each line that holds a match.

mod acts;
mod provisions;
mod scope;
#[cfg(test)]
mod tests;

use crate::decision::Citation;
use acts::{ActHit, LGA_1974};
use provisions::Run;
use regex::Regex;
use scope::Line;
use std::ops::Range;
use std::sync::LazyLock;

/// Every statutory citation in `text`, in order of appearance, one per
/// provision (or per Act mention without a provision), with byte offsets
/// into `text`. Never panics.
pub fn extract(text: &str) -> Vec<Citation> {
    if !worth_scanning(text) {
        return Vec::new();
    }
    let acts = acts::find(text);
    let runs = provisions::find(text, &acts);
    if acts.is_empty() && runs.is_empty() {
        return Vec::new();
    }
    let mut ctx = Context {
        text,
        acts: &acts,
        used: vec![false; acts.len()],
        found: Vec::new(),
    };
    let (mut ai, mut ri, mut line_start) = (0, 0, 0);
    for line in text.split('\n') {
        let line_end = line_start + line.len();
        let (a0, r0) = (ai, ri);
        while ai < acts.len() && acts[ai].start < line_end {
            ai += 1;
        }
        while ri < runs.len() && runs[ri].start < line_end {
            ri += 1;
        }
        if ai > a0 || ri > r0 {
            let line = Line::new(text, line_start, line_end);
            for run in &runs[r0..ri] {
                ctx.cite_run(run, &line, a0..ai);
            }
            ctx.cite_bare_acts(&line, a0..ai);
        }
        line_start = line_end + 1;
    }
    ctx.found.sort_by_key(|(pos, _)| *pos);
    ctx.found.into_iter().map(|(_, c)| c).collect()
}

/// The provision part of a key: `Local Government Act 1974 s.26(6)(a)` →
/// `s.26(6)(a)`, `s.21` → `s.21`, `Local Government Act 1974 Sch.5 para.1`
/// → `Sch.5 para.1`; `None` for a bare Act such as `Care Act 2014`.
pub fn section_part(key: &str) -> Option<&str> {
    const PREFIXES: [&str; 5] = ["s.", "Sch.", "Pt.", "reg.", "para."];
    let is_provision = |s: &str| {
        PREFIXES.iter().any(|p| {
            s.strip_prefix(p)
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        })
    };
    if is_provision(key) {
        return Some(key);
    }
    key.match_indices(' ')
        .map(|(i, _)| &key[i + 1..])
        .find(|rest| is_provision(rest))
}

/// A text with no digit can cite nothing but a yearless Local Government Act.
fn worth_scanning(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit()) || text.contains("Local Government Act")
}

/// `of the`, `to the`, `under the`, `in the` between a provision and the Act
/// written after it (`s.202 of the Housing Act 1996`).
static ACT_AFTER_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[ \t\u{a0},]*(?:as amended[ \t\u{a0},]*)?(?:of|to|under|in)[ \t\u{a0}]+(?:[Tt]he[ \t\u{a0}]+)?",
    )
    .expect("valid regex")
});

/// `the 1996 Act`: an Act named earlier, referred to by its year.
static YEAR_ACT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:1[6-9]|20)[0-9]{2})[ \t\u{a0}]+Act(?-u:\b)").expect("valid regex")
});

/// How many earlier Act mentions `the 1996 Act` looks back through.
const YEAR_LOOKBACK: usize = 64;

/// Nouns that make `section N` an adjective (`section 21 notice`): such a
/// section is never given the Local Government Act 1974 from its sentence.
const ATTRIBUTIVE: &[&str] = &[
    "accommodation",
    "aftercare",
    "after-care",
    "agreement",
    "agreements",
    "appeal",
    "application",
    "assessment",
    "assessments",
    "case",
    "check",
    "consent",
    "contribution",
    "decision",
    "duty",
    "duties",
    "enquiry",
    "enquiries",
    "funding",
    "inquiry",
    "investigation",
    "letter",
    "meeting",
    "money",
    "notice",
    "notices",
    "offer",
    "order",
    "payment",
    "payments",
    "plan",
    "process",
    "procedure",
    "referral",
    "report",
    "request",
    "review",
    "services",
    "support",
    "team",
    "warrant",
];

/// The Act a provision list was given, and the phrase span that shows it.
struct Chosen {
    name: String,
    /// Index into the Act mentions, when the Act is one of them.
    index: Option<usize>,
    /// Running-text span covering the list and the Act when it was explicit.
    span: (usize, usize),
}

/// Working state of one [`extract`] call.
struct Context<'a> {
    text: &'a str,
    acts: &'a [ActHit],
    /// Act mentions that gave provision keys (so no bare key of their own).
    used: Vec<bool>,
    /// Citations with the offset that orders them.
    found: Vec<(usize, Citation)>,
}

impl Context<'_> {
    /// Emits one citation per provision of `run`.
    fn cite_run(&mut self, run: &Run, line: &Line, line_acts: Range<usize>) {
        let paren = line.paren_of(run.start, run.end);
        let chosen = self
            .act_after(run, line)
            .or_else(|| self.act_before(run, line_acts.clone()))
            .or_else(|| self.act_next_to(run, line_acts.clone()))
            .or_else(|| paren.and_then(|p| self.nearest_act(run, p, line_acts.clone())))
            .or_else(|| {
                if run.needs_act() {
                    return None;
                }
                let sentence = line.sentence_of(paren.map_or(run.start, |p| p.0));
                self.nearest_act(run, sentence, line_acts.clone())
                    .filter(|c| c.name != LGA_1974 || !self.attributive(run, line))
            });
        if chosen.is_none() && run.needs_act() {
            return;
        }
        if let Some(i) = chosen.as_ref().and_then(|c| c.index) {
            self.used[i] = true;
        }
        let (start, end) = paren
            .or(chosen.as_ref().map(|c| c.span))
            .unwrap_or((run.start, run.end));
        let act = chosen.map(|c| c.name);
        for p in &run.provisions {
            let with_act = |k: &str| match &act {
                Some(a) => format!("{a} {k}"),
                None => k.to_string(),
            };
            let citation = Citation {
                key: with_act(&p.key),
                act: act.clone(),
                raw: self.text[start..end].to_string(),
                start,
                end,
                aliases: p.alias.iter().map(|a| with_act(a)).collect(),
            };
            self.found.push((run.start, citation));
        }
    }

    /// One bare key for each Act mention on the line that gave no provision.
    fn cite_bare_acts(&mut self, line: &Line, line_acts: Range<usize>) {
        for i in line_acts {
            if self.used[i] {
                continue;
            }
            let act = &self.acts[i];
            let (start, end) = line
                .paren_of(act.start, act.end)
                .unwrap_or((act.start, act.end));
            let citation = Citation {
                key: act.name.clone(),
                act: Some(act.name.clone()),
                raw: self.text[start..end].to_string(),
                start,
                end,
                aliases: Vec::new(),
            };
            self.found.push((act.start, citation));
        }
    }

    /// `section 2 of the Anti-social … Act 2014`, `Schedule 2 to the Care Act
    /// 2014`, `section 26 of the 1974 Act`.
    fn act_after(&self, run: &Run, line: &Line) -> Option<Chosen> {
        let rest = self.text.get(run.end..line.end)?;
        let pos = run.end + ACT_AFTER_RE.find(rest)?.end();
        let i = self.acts.partition_point(|a| a.start < pos);
        if let Some(act) = self.acts.get(i).filter(|a| a.start == pos) {
            return Some(Chosen {
                name: act.name.clone(),
                index: Some(i),
                span: (run.start, act.end),
            });
        }
        let caps = YEAR_ACT_RE.captures(self.text.get(pos..line.end)?)?;
        let year: u16 = caps.get(1)?.as_str().parse().ok()?;
        let earlier = self.acts[..i]
            .iter()
            .rev()
            .take(YEAR_LOOKBACK)
            .find(|a| a.year == year && a.name.contains(" Act "))
            .map(|a| a.name.clone());
        let name = earlier.or_else(|| (year == 1974).then(|| LGA_1974.to_string()))?;
        Some(Chosen {
            name,
            index: None,
            span: (run.start, pos + caps.get(0)?.end()),
        })
    }

    /// `LGA 1974 s24A(6)`, `Care Act 2014, section 42`: an Act straight
    /// before the list, separated by nothing but spaces and punctuation.
    fn act_before(&self, run: &Run, line_acts: Range<usize>) -> Option<Chosen> {
        let i = self.last_ending_by(run.start, line_acts)?;
        let act = &self.acts[i];
        let gap = self.text.get(act.end..run.start)?;
        let gap = gap.trim_matches([' ', '\t', '\u{a0}', ',', ':', ';']);
        if !(gap.is_empty() || gap.eq_ignore_ascii_case("as amended")) {
            return None;
        }
        Some(Chosen {
            name: act.name.clone(),
            index: Some(i),
            span: (act.start, run.end),
        })
    }

    /// `s.26B(2) LGA 1974`: an Act straight after the list, separated only
    /// by spaces.
    fn act_next_to(&self, run: &Run, line_acts: Range<usize>) -> Option<Chosen> {
        let i =
            line_acts.start + self.acts[line_acts.clone()].partition_point(|a| a.start < run.end);
        let act = self.acts.get(i).filter(|_| i < line_acts.end)?;
        let gap = self.text.get(run.end..act.start)?;
        if gap.is_empty() || !gap.chars().all(|c| matches!(c, ' ' | '\t' | '\u{a0}')) {
            return None;
        }
        Some(Chosen {
            name: act.name.clone(),
            index: Some(i),
            span: (run.start, act.end),
        })
    }

    /// The Act nearest before the list within `scope`, else the first after.
    fn nearest_act(
        &self,
        run: &Run,
        scope: (usize, usize),
        line_acts: Range<usize>,
    ) -> Option<Chosen> {
        let before = self
            .last_ending_by(run.start, line_acts.clone())
            .filter(|&i| self.acts[i].start >= scope.0);
        let after = || {
            let i = line_acts.start
                + self.acts[line_acts.clone()].partition_point(|a| a.start < run.end);
            (i < line_acts.end && self.acts[i].end <= scope.1).then_some(i)
        };
        let i = before.or_else(after)?;
        Some(Chosen {
            name: self.acts[i].name.clone(),
            index: Some(i),
            span: (run.start, run.end),
        })
    }

    /// The last Act mention in `range` that ends at or before `pos`.
    fn last_ending_by(&self, pos: usize, range: Range<usize>) -> Option<usize> {
        let n = self.acts[range.clone()].partition_point(|a| a.end <= pos);
        n.checked_sub(1).map(|k| range.start + k)
    }

    /// `section 21 notice`: the list is followed by a noun it qualifies.
    fn attributive(&self, run: &Run, line: &Line) -> bool {
        let Some(rest) = self.text.get(run.end..line.end) else {
            return false;
        };
        let rest = rest.trim_start_matches([' ', '\t', '\u{a0}']);
        let word_len = rest
            .find(|c: char| !(c.is_ascii_alphabetic() || c == '-'))
            .unwrap_or(rest.len());
        ATTRIBUTIVE.contains(&&rest[..word_len])
    }
}
