//! The writer: a document being built as blocks over one string buffer,
//! template expansion with slots, and the Zipfian filler sentences.
//!
//! Templates are static strings with `{…}` slots:
//! `{P}` the complainant (`Mrs X`), `{Ps}` possessive (`Mrs X’s`),
//! `{he}` `{He}` `{him}` `{his}` `{His}` pronouns, `{s}` verb ending
//! (`complains`/`complain`), `{was}` `{has}` `{is}` agreement,
//! `{B}` the body (`the Council`), `{Bc}` capitalised, `{Bs}` and `{Bsc}`
//! possessive, `{C}` a relative’s letter, `{T}` the complaint topic,
//! `{k}` a subject term of the category, `{n}` noun, `{a}` adjective, `{v}` past verb, `{d}` adverb (all
//! Zipf-drawn), `{M}` month, `{Y}` year, `{D}` full date, `{W}` a number
//! word. Expansion appends straight to the buffer: no per-sentence
//! allocation.

use super::citations::{FORMS, f};
use super::facts::Facts;
use super::names::Kind;
use super::rng::Rng;
use super::vocab;

/// What a block is; the layout decides how it looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    Title,
    Field,
    FinalLine,
    Summary,
    Heading,
    /// A `What I found` subheading (`What happened`).
    Sub,
    /// A numbered paragraph.
    Para,
    /// A list item.
    Bullet,
    /// A paragraph that is only a citation (numbering restarts after it).
    Cite,
    Closing,
}

/// A document: its blocks as byte ranges of one buffer.
#[derive(Debug, Default)]
pub struct Doc {
    pub buf: String,
    pub blocks: Vec<(Block, u32, u32)>,
}

impl Doc {
    /// The blocks with their text.
    pub fn iter(&self) -> impl Iterator<Item = (Block, &str)> {
        self.blocks
            .iter()
            .map(|&(b, s, e)| (b, &self.buf[s as usize..e as usize]))
    }
}

/// Builds one decision's document.
pub struct Writer<'a> {
    pub rng: Rng,
    pub facts: &'a Facts,
    pub doc: Doc,
    open: Option<(Block, usize)>,
    /// Citation forms used, one bit per `citations::FORMS` entry.
    pub forms: u64,
    body: &'static str,
    topic: &'static str,
    /// The main remedy payment, drawn once so summary and agreed action agree.
    payment: Option<u64>,
}

impl<'a> Writer<'a> {
    /// A writer for `facts`, drawing from `rng`.
    pub fn new(facts: &'a Facts, mut rng: Rng) -> Writer<'a> {
        let topic = *rng.pick(facts.sub.topics);
        Writer {
            rng,
            facts,
            doc: Doc {
                buf: String::with_capacity(facts.target + 2_048),
                blocks: Vec::with_capacity(facts.target / 150 + 32),
            },
            open: None,
            forms: 0,
            body: super::names::short_name(facts.kind),
            topic,
            payment: None,
        }
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.doc.buf.len()
    }

    /// Starts a block (ending any open one).
    pub fn begin(&mut self, block: Block) {
        self.end();
        self.open = Some((block, self.doc.buf.len()));
    }

    /// Ends the open block, dropping it when empty.
    pub fn end(&mut self) {
        if let Some((block, start)) = self.open.take() {
            let trimmed = self.doc.buf.trim_end().len();
            self.doc.buf.truncate(trimmed.max(start));
            if self.doc.buf.len() > start {
                self.doc
                    .blocks
                    .push((block, start as u32, self.doc.buf.len() as u32));
            }
        }
    }

    /// A whole block of literal text.
    pub fn line(&mut self, block: Block, text: &str) {
        self.begin(block);
        self.doc.buf.push_str(text);
        self.end();
    }

    /// A whole block from one template.
    pub fn block(&mut self, block: Block, tpl: &str) {
        self.begin(block);
        self.say(tpl);
        self.end();
    }

    /// A paragraph from one template chosen among `tpls`.
    pub fn para_of(&mut self, tpls: &[&str]) {
        let t = *self.rng.pick(tpls);
        self.block(Block::Para, t);
    }

    /// A bullet from one template chosen among `tpls`.
    pub fn bullet_of(&mut self, tpls: &[&str]) {
        let t = *self.rng.pick(tpls);
        self.block(Block::Bullet, t);
    }

    /// Appends a sentence (with a separating space when needed).
    pub fn sentence(&mut self, tpl: &str) {
        if !self.doc.buf.ends_with([' ', '\n'])
            && self.open.is_some_and(|(_, s)| s < self.doc.buf.len())
        {
            self.doc.buf.push(' ');
        }
        self.say(tpl);
    }

    /// Appends one sentence chosen among `tpls`.
    pub fn sentence_of(&mut self, tpls: &[&str]) {
        let t = *self.rng.pick(tpls);
        self.sentence(t);
    }

    /// Appends one sentence chosen among `tpls` (at most 64), avoiding the
    /// templates used most recently and any template without an open slot
    /// already said in this passage (it would be nearly the same sentence),
    /// so paragraphs do not repeat themselves. When a long passage has used
    /// them all, a template with open slots is said again.
    pub fn fresh_sentence(&mut self, tpls: &[&str], fresh: &mut Fresh) {
        debug_assert!(tpls.len() <= 64, "Fresh keeps 64 templates apart");
        let allowed = |i: &usize| fresh.allows(*i);
        let open = |i: &usize| !is_fixed(tpls[*i]);
        let mut choice: Vec<usize> = (0..tpls.len()).filter(allowed).collect();
        if choice.is_empty() {
            choice = (0..tpls.len()).filter(open).collect();
        }
        let i = if choice.is_empty() {
            self.rng.below(tpls.len())
        } else {
            choice[self.rng.below(choice.len())]
        };
        fresh.note(i, tpls[i]);
        self.sentence(tpls[i]);
    }

    /// Appends citation form `i` to the open block, after a space (or with
    /// no space for the `no space before bracket` defect).
    pub fn cite(&mut self, i: usize) {
        if i != f::NO_SPACE && !self.doc.buf.ends_with(' ') {
            self.doc.buf.push(' ');
        }
        self.doc.buf.push_str(FORMS[i].text);
        self.forms |= 1 << i;
    }

    /// Records a running-text form written by a template.
    pub fn used(&mut self, i: usize) {
        self.forms |= 1 << i;
    }

    /// A paragraph that is only citation `i`.
    pub fn cite_para(&mut self, i: usize) {
        self.begin(Block::Cite);
        self.doc.buf.push_str(FORMS[i].text);
        self.forms |= 1 << i;
        self.forms |= 1 << f::OWN_PARAGRAPH;
        self.end();
    }

    /// Expands a template onto the buffer.
    pub fn say(&mut self, tpl: &str) {
        let mut rest = tpl;
        while let Some(open) = rest.find('{') {
            self.doc.buf.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                self.doc.buf.push_str(&rest[open..]);
                return;
            };
            self.slot(&after[..close]);
            rest = &after[close + 1..];
        }
        self.doc.buf.push_str(rest);
    }

    fn slot(&mut self, name: &str) {
        let p = self.facts.person;
        let out = &mut self.doc.buf;
        match name {
            "P" => out.push_str(p.name),
            "Ps" => {
                out.push_str(p.name);
                out.push_str("’s");
            }
            "he" => out.push_str(p.he),
            "He" => push_capitalised(out, p.he),
            "him" => out.push_str(p.him),
            "his" => out.push_str(p.his),
            "His" => push_capitalised(out, p.his),
            "s" => {
                if !p.plural {
                    out.push('s');
                }
            }
            "was" => out.push_str(if p.plural { "were" } else { "was" }),
            "has" => out.push_str(if p.plural { "have" } else { "has" }),
            "is" => out.push_str(if p.plural { "are" } else { "is" }),
            "B" | "Bc" | "Bs" | "Bsc" => {
                if self.facts.kind != Kind::Transport {
                    out.push_str(if name.starts_with("Bc") || name == "Bsc" {
                        "The "
                    } else {
                        "the "
                    });
                }
                out.push_str(self.body);
                if name == "Bs" || name == "Bsc" {
                    out.push_str("’s");
                }
            }
            "C" => out.push(self.facts.child),
            "T" => {
                let topic = self.topic;
                self.say(topic);
            }
            "n" => {
                let w = vocab::noun(&mut self.rng);
                self.push_word(w);
            }
            "k" => {
                let w = vocab::term(&mut self.rng, self.facts.top.label);
                self.push_word(w);
            }
            "a" => {
                let w = vocab::adjective(&mut self.rng);
                self.push_word(w);
            }
            "v" => {
                let w = vocab::verb(&mut self.rng);
                self.doc.buf.push_str(w);
            }
            "d" => {
                let w = vocab::adverb(&mut self.rng);
                self.doc.buf.push_str(w);
            }
            "M" => {
                let m = *self.rng.pick(vocab::MONTHS);
                self.doc.buf.push_str(m);
            }
            "Y" => self.year(),
            "D" => {
                let day = self.rng.range(1, 28);
                let m = *self.rng.pick(vocab::MONTHS);
                let nbsp = self.rng.chance(0.02);
                let out = &mut self.doc.buf;
                push_num(out, day as u64);
                out.push(if nbsp { '\u{a0}' } else { ' ' });
                out.push_str(m);
                out.push(' ');
                self.year();
            }
            "W" => {
                let w = *self.rng.pick(vocab::NUMBER_WORDS);
                self.doc.buf.push_str(w);
            }
            other => {
                out.push('{');
                out.push_str(other);
                out.push('}');
            }
        }
    }

    /// Appends a slot word, turning a preceding `a` into `an` before a
    /// vowel.
    fn push_word(&mut self, w: &str) {
        let buf = &mut self.doc.buf;
        if w.starts_with(['a', 'e', 'i', 'o', 'u', 'E', 'I', 'O'])
            && (buf.ends_with(" a ")
                || buf.ends_with("A ") && buf.len() == 2
                || buf.ends_with("\nA "))
        {
            buf.pop();
            buf.push_str("n ");
        }
        buf.push_str(w);
    }

    /// A year during the complaint: the received year or the one before.
    fn year(&mut self) {
        let y = self.facts.received as i64 - self.rng.below(2) as i64;
        push_num(&mut self.doc.buf, y.max(2010) as u64);
    }

    /// The main remedy payment (the same amount each time it is written).
    pub fn payment(&mut self) {
        let pounds = match self.payment {
            Some(p) => p,
            None => *self.rng.weighted(super::sections::AMOUNTS),
        };
        self.payment = Some(pounds);
        self.write_amount(pounds);
    }

    /// An amount such as `£1,250` (rarely `£1200`, no comma).
    pub fn amount(&mut self, choices: &[(u64, u32)]) {
        let pounds = *self.rng.weighted(choices);
        self.write_amount(pounds);
    }

    fn write_amount(&mut self, pounds: u64) {
        let comma = !self.rng.chance(0.05);
        let out = &mut self.doc.buf;
        out.push('£');
        if pounds >= 1000 && comma {
            push_num(out, pounds / 1000);
            out.push(',');
            let rest = pounds % 1000;
            if rest < 100 {
                out.push('0');
            }
            if rest < 10 {
                out.push('0');
            }
            push_num(out, rest);
        } else {
            push_num(out, pounds);
        }
    }
}

fn push_capitalised(out: &mut String, s: &str) {
    let mut chars = s.chars();
    if let Some(c) = chars.next() {
        out.extend(c.to_uppercase());
        out.push_str(chars.as_str());
    }
}

/// Appends a number in decimal without allocating.
pub fn push_num(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(d as char);
    }
}

/// What [`Writer::fresh_sentence`] remembers of one passage: the last eight
/// templates chosen, and those said at all that would come out nearly the
/// same again (see [`is_fixed`]).
#[derive(Default)]
pub struct Fresh {
    recent: [Option<usize>; 8],
    next: usize,
    said_fixed: u64,
}

impl Fresh {
    fn allows(&self, i: usize) -> bool {
        !self.recent.contains(&Some(i)) && self.said_fixed & (1 << (i % 64)) == 0
    }

    fn note(&mut self, i: usize, tpl: &str) {
        self.recent[self.next % self.recent.len()] = Some(i);
        self.next += 1;
        if is_fixed(tpl) {
            self.said_fixed |= 1 << (i % 64);
        }
    }
}

/// Whether a template says a sentence that comes out the same every time
/// in one decision: a sentence longer than a few words with no slot drawn
/// from an open vocabulary, only the person, the body and the category's few
/// terms (`{k}`). Short ones (`This was fault.`) may recur, as they do in
/// real decisions.
fn is_fixed(tpl: &str) -> bool {
    const OPEN: [&str; 8] = ["{n}", "{a}", "{v}", "{d}", "{M}", "{Y}", "{D}", "{W}"];
    tpl.split(". ")
        .any(|sentence| sentence.len() > 30 && !OPEN.iter().any(|slot| sentence.contains(slot)))
}
