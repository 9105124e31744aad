//! Filters: forgiving user values → exact indexed values.
//!
//! Users type `cambridgeshire`, `closed`, `education` or `s.26(6)`; the index
//! holds `Cambridgeshire County Council`, `Closed after initial enquiries`,
//! `Education > School admissions` and `Local Government Act 1974 s.26(6)(a)`.
//! Each filter is resolved against the values actually present in the index
//! (never a fixed list), to the set of exact values it means. A value that
//! matches nothing is an error naming the closest known values, except for
//! citations, where "nobody cites that" is a legitimate empty answer.

use super::SearchError;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use tantivy::Searcher;
use tantivy::schema::Field;

/// The distinct values of keyword fields in one index snapshot, each read
/// the first time a filter needs it and kept for the snapshot's life (see
/// [`super::snapshot::PerSnapshot`]). A long-running server thus scans a
/// term dictionary once per commit, not once per request.
#[derive(Debug, Default)]
pub struct Vocabularies {
    values: Mutex<HashMap<Field, Arc<Vocabulary>>>,
}

impl Vocabularies {
    /// The values of `field` (read from `searcher` on first use).
    pub fn get(&self, searcher: &Searcher, field: Field) -> tantivy::Result<Arc<Vocabulary>> {
        let cached = self.values.lock().ok().and_then(|m| m.get(&field).cloned());
        if let Some(v) = cached {
            return Ok(v);
        }
        let v = Arc::new(vocabulary(searcher, field)?);
        if let Ok(mut m) = self.values.lock() {
            m.insert(field, v.clone());
        }
        Ok(v)
    }
}

/// Every distinct value of a keyword field, across all segments.
pub fn vocabulary(searcher: &Searcher, field: Field) -> tantivy::Result<Vocabulary> {
    let mut out = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted.terms().stream()?;
        while stream.advance() {
            if let Ok(s) = std::str::from_utf8(stream.key()) {
                out.insert(s.to_string());
            }
        }
    }
    Ok(out.into_iter().collect())
}

/// The distinct values of a keyword field, sorted, each with its folded
/// form, made once when the vocabulary is read rather than for every value
/// on every query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vocabulary {
    entries: Vec<Known>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Known {
    value: String,
    /// [`fold`]ed.
    folded: String,
}

impl Known {
    /// The words of `folded`.
    fn words(&self) -> impl Iterator<Item = &str> + Clone {
        words(&self.folded)
    }
}

impl Vocabulary {
    /// The values whose entry satisfies `pred`.
    fn pick(&self, pred: impl Fn(&Known) -> bool) -> Vec<String> {
        self.entries
            .iter()
            .filter(|k| pred(k))
            .map(|k| k.value.clone())
            .collect()
    }
}

impl<S: Into<String>> FromIterator<S> for Vocabulary {
    fn from_iter<I: IntoIterator<Item = S>>(values: I) -> Vocabulary {
        let sorted: BTreeSet<String> = values.into_iter().map(Into::into).collect();
        Vocabulary {
            entries: sorted
                .into_iter()
                .map(|value| Known {
                    folded: fold(&value),
                    value,
                })
                .collect(),
        }
    }
}

/// Lower case, apostrophes folded, `&` as `and`, punctuation dropped, white
/// space collapsed: the form in which names are compared.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{2019}' | '\u{2018}' | '\'' => {}
            '&' => out.push_str(" and "),
            c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            '>' => out.push_str(" > "),
            _ => out.push(' '),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn words(s: &str) -> impl Iterator<Item = &str> + Clone {
    s.split(' ').filter(|w| !w.is_empty() && *w != ">")
}

/// Cited keys near `input`, which none matches, for a note: for a
/// provision (`s.26(9)`), the cited subsections of its section (`s.26(1)`,
/// `s.26(6)(a)`, …; none for a section never cited); otherwise the keys
/// spelled most like it (`Care Act 2015` → `Care Act 2014`).
pub fn citations_near(input: &str, known: &Vocabulary) -> Vec<String> {
    let provision = canonical_provision(input);
    if !provision.starts_with("s.") {
        return suggestions(input, known);
    }
    let section = provision.split('(').next().unwrap_or(&provision);
    let mut near = known.pick(|key| {
        crate::citation::section_part(&key.value).is_some_and(|part| continues(part, section))
    });
    near.truncate(5);
    near
}

/// The values closest to `input`, for an error message.
fn suggestions(input: &str, known: &Vocabulary) -> Vec<String> {
    let folded = fold(input);
    let mut scored: Vec<(f64, &String)> = known
        .entries
        .iter()
        .map(|k| {
            let whole = strsim::jaro_winkler(&folded, &k.folded);
            let best_word = k
                .words()
                .map(|w| strsim::jaro_winkler(&folded, w))
                .fold(0.0, f64::max);
            (whole.max(best_word), &k.value)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored
        .into_iter()
        .filter(|(s, _)| *s > 0.7)
        .take(5)
        .map(|(_, k)| k.clone())
        .collect()
}

fn unknown(kind: &'static str, input: &str, known: &Vocabulary) -> SearchError {
    SearchError::UnknownValue {
        kind,
        input: input.to_string(),
        suggestions: suggestions(input, known),
    }
}

/// Authorities meant by `input`, trying in turn: an exact name (ignoring
/// case and punctuation); names that start with the input's words
/// (`cambridgeshire` → `Cambridgeshire County Council`, not `South
/// Cambridgeshire District Council`); names containing all of them
/// (`camden` → `London Borough of Camden`); names with words starting with
/// them (`wigst` → `Oadby & Wigston Borough Council`).
pub fn resolve_authority(input: &str, known: &Vocabulary) -> Result<Vec<String>, SearchError> {
    let folded = fold(input);
    if folded.is_empty() {
        return Err(unknown("council", input, known));
    }
    let wanted: Vec<&str> = words(&folded).collect();
    let exact = known.pick(|k| k.words().eq(wanted.iter().copied()));
    if !exact.is_empty() {
        return Ok(exact);
    }
    let leading = known.pick(|k| {
        let mut name = k.words();
        wanted.iter().all(|w| name.next() == Some(*w))
    });
    if !leading.is_empty() {
        return Ok(leading);
    }
    let whole = known.pick(|k| wanted.iter().all(|w| k.words().any(|n| n == *w)));
    if !whole.is_empty() {
        return Ok(whole);
    }
    let prefix = known.pick(|k| wanted.iter().all(|w| k.words().any(|n| n.starts_with(w))));
    if !prefix.is_empty() {
        return Ok(prefix);
    }
    Err(unknown("council", input, known))
}

/// Outcomes meant by `input`: the exact label, else labels starting with it
/// (`closed` → `Closed after initial enquiries`).
pub fn resolve_outcome(input: &str, known: &Vocabulary) -> Result<Vec<String>, SearchError> {
    let folded = fold(input);
    let exact = known.pick(|k| k.folded == folded);
    if !exact.is_empty() {
        return Ok(exact);
    }
    let prefix = known.pick(|k| !folded.is_empty() && k.folded.starts_with(&folded));
    if !prefix.is_empty() {
        return Ok(prefix);
    }
    Err(unknown("outcome", input, known))
}

/// What a category filter means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CategoryMatch {
    /// Whole top-level categories (`Education`).
    Top(Vec<String>),
    /// Exact `Top > Sub` values.
    Full(Vec<String>),
}

/// Categories meant by `input`: `Education` (a top level), `Education >
/// School admissions` (a full value), or just `School admissions` (every
/// full value with that sub-category). Case and apostrophes are ignored.
/// Failing an exact name, the leading words of one will do, as for
/// councils: `adult care` (Adult care services), `school` (School
/// admissions and School transport), `education > school`.
/// `known` holds full values (`Top > Sub`, or `Top` alone).
pub fn resolve_category(input: &str, known: &Vocabulary) -> Result<CategoryMatch, SearchError> {
    let folded = fold(input);
    // A folded `Top > Sub` keeps its ` > ` (see `fold`).
    fn split(k: &Known) -> (&str, Option<&str>) {
        match k.folded.split_once(" > ") {
            Some((t, s)) => (t, Some(s)),
            None => (&k.folded, None),
        }
    }
    // Tiers, tried in turn: the name itself (0), its leading words (1),
    // the beginnings of its leading words (2: `children` for `Children's`).
    fn named(name: &str, wanted: &str, tier: u8) -> bool {
        if tier == 0 {
            return name == wanted;
        }
        let mut name = words(name);
        let mut wanted = words(wanted).peekable();
        wanted.peek().is_some()
            && wanted.all(|w| {
                name.next()
                    .is_some_and(|n| n == w || (tier == 2 && n.starts_with(w)))
            })
    }
    if let Some((top, sub)) = folded.split_once(" > ") {
        for tier in 0..3 {
            let full = known
                .pick(|k| split(k).0 == top && split(k).1.is_some_and(|s| named(s, sub, tier)));
            if !full.is_empty() {
                return Ok(CategoryMatch::Full(full));
            }
        }
        return Err(unknown("category", input, known));
    }
    for tier in 0..3 {
        let tops: BTreeSet<String> = known
            .entries
            .iter()
            .filter(|k| named(split(k).0, &folded, tier))
            .map(|k| {
                k.value
                    .split_once(" > ")
                    .map_or(k.value.as_str(), |(t, _)| t)
                    .to_string()
            })
            .collect();
        if !tops.is_empty() {
            return Ok(CategoryMatch::Top(tops.into_iter().collect()));
        }
        let subs = known.pick(|k| split(k).1.is_some_and(|s| named(s, &folded, tier)));
        if !subs.is_empty() {
            return Ok(CategoryMatch::Full(subs));
        }
    }
    Err(unknown("category", input, known))
}

/// Rewrites what a user may type for a provision into the key's form:
/// `section 26(6)` / `s 26(6)` / `S.26(6)` → `s.26(6)`.
fn canonical_provision(input: &str) -> String {
    let t = input.trim();
    let lower = t.to_lowercase();
    for prefix in ["sections ", "section ", "s. ", "s "] {
        if lower.starts_with(prefix) && t.len() > prefix.len() {
            return format!("s.{}", t[prefix.len()..].trim_start());
        }
    }
    if lower.starts_with("s.") {
        return format!("s.{}", &t[2..]);
    }
    if lower.starts_with('s') && t[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return format!("s.{}", &t[1..]);
    }
    t.to_string()
}

/// True when `key` is `prefix` or continues it at a boundary (a space or a
/// bracket), so `s.26` covers `s.26(6)(a)` but not `s.26A`. ASCII letters
/// match in either case (citation keys are ASCII).
fn continues(key: &str, prefix: &str) -> bool {
    key.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        && matches!(key.as_bytes().get(prefix.len()), None | Some(b' ' | b'('))
}

/// The provision an unquoted query word names as decisions abbreviate one,
/// in the keys' form: `s.26(6)`, `S.42`, `s26(1)` (an `s`, an optional
/// dot, then a digit) → `s.26(6)`, `s.42`, `s.26(1)`; `None` for any other
/// word.
pub fn named_provision(word: &str) -> Option<String> {
    let rest = word.strip_prefix(['s', 'S'])?;
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    rest.starts_with(|c: char| c.is_ascii_digit())
        .then(|| format!("s.{rest}"))
}

/// Citation keys meant by `input`: a whole key, a key prefix
/// (`Local Government Act 1974`, `Care Act 2014`), or a provision alone
/// (`s.26(6)` matches it in every Act, and its subsections). May be empty.
pub fn resolve_citation(input: &str, known: &Vocabulary) -> Vec<String> {
    let provision = canonical_provision(input);
    known.pick(|key| {
        continues(&key.value, input.trim())
            || crate::citation::section_part(&key.value)
                .is_some_and(|part| continues(part, &provision))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(values: &[&str]) -> Vocabulary {
        values.iter().copied().collect()
    }

    #[test]
    fn councils_are_forgiving() {
        let known = set(&[
            "Cambridgeshire County Council",
            "Cambridge City Council",
            "Leeds City Council",
            "Oadby & Wigston Borough Council",
            "South Cambridgeshire District Council",
            "London Borough of Camden",
        ]);
        assert_eq!(
            resolve_authority("south cambridgeshire", &known).unwrap(),
            ["South Cambridgeshire District Council"]
        );
        assert_eq!(
            resolve_authority("camden", &known).unwrap(),
            ["London Borough of Camden"]
        );
        assert_eq!(resolve_authority("council", &known).unwrap().len(), 5);
        assert_eq!(
            resolve_authority("cambridgeshire", &known).unwrap(),
            ["Cambridgeshire County Council"]
        );
        assert_eq!(
            resolve_authority("CAMBRIDGE", &known).unwrap(),
            ["Cambridge City Council"]
        );
        assert_eq!(
            resolve_authority("leeds city council", &known).unwrap(),
            ["Leeds City Council"]
        );
        assert_eq!(
            resolve_authority("oadby and wigston", &known).unwrap(),
            ["Oadby & Wigston Borough Council"]
        );
        assert_eq!(
            resolve_authority("wigst", &known).unwrap(),
            ["Oadby & Wigston Borough Council"]
        );
        match resolve_authority("leds", &known) {
            Err(SearchError::UnknownValue { suggestions, .. }) => {
                assert!(suggestions.contains(&"Leeds City Council".to_string()))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn outcomes_and_categories() {
        let outcomes = set(&["Upheld", "Not upheld", "Closed after initial enquiries"]);
        assert_eq!(resolve_outcome("upheld", &outcomes).unwrap(), ["Upheld"]);
        assert_eq!(
            resolve_outcome("closed", &outcomes).unwrap(),
            ["Closed after initial enquiries"]
        );
        assert!(resolve_outcome("dismissed", &outcomes).is_err());
        let cats = set(&[
            "Education > School admissions",
            "Education > Special educational needs",
            "Children's care services > Other",
        ]);
        assert_eq!(
            resolve_category("education", &cats).unwrap(),
            CategoryMatch::Top(vec!["Education".into()])
        );
        assert_eq!(
            resolve_category("Education > school admissions", &cats).unwrap(),
            CategoryMatch::Full(vec!["Education > School admissions".into()])
        );
        assert_eq!(
            resolve_category("Children’s care services", &cats).unwrap(),
            CategoryMatch::Top(vec!["Children's care services".into()])
        );
        assert!(resolve_category("Planning", &cats).is_err());

        // Failing an exact name, its leading words, then their beginnings.
        let cats = set(&[
            "Adult care services > Charging",
            "Education > School admissions",
            "Education > School transport",
            "Education > Special educational needs",
            "Children's care services > Other",
            "Housing > Other",
        ]);
        let full = |v: &[&str]| CategoryMatch::Full(v.iter().map(|s| s.to_string()).collect());
        let top = |v: &str| CategoryMatch::Top(vec![v.to_string()]);
        let resolve = |s: &str| resolve_category(s, &cats).unwrap();
        assert_eq!(resolve("adult care"), top("Adult care services"));
        assert_eq!(resolve("children"), top("Children's care services"));
        assert_eq!(resolve("educ"), top("Education"));
        assert_eq!(
            resolve("school"),
            full(&[
                "Education > School admissions",
                "Education > School transport"
            ])
        );
        assert_eq!(
            resolve("education > spec"),
            full(&["Education > Special educational needs"])
        );
        assert_eq!(
            resolve("other"),
            full(&["Children's care services > Other", "Housing > Other"])
        );
        for nothing in ["care", "services", "housing > school", "x"] {
            assert!(resolve_category(nothing, &cats).is_err(), "{nothing}");
        }
    }

    #[test]
    fn citations_match_keys_prefixes_and_provisions() {
        let known = set(&[
            "Local Government Act 1974 s.26(6)(a)",
            "Local Government Act 1974 s.26A(1)",
            "Local Government Act 1974 s.24A(6)",
            "Care Act 2014",
            "Care Act 2014 s.42",
        ]);
        assert_eq!(
            resolve_citation("s.26(6)", &known),
            ["Local Government Act 1974 s.26(6)(a)"]
        );
        assert_eq!(
            resolve_citation("section 24A(6)", &known),
            ["Local Government Act 1974 s.24A(6)"]
        );
        assert_eq!(
            resolve_citation("Care Act 2014", &known),
            ["Care Act 2014", "Care Act 2014 s.42"]
        );
        assert_eq!(
            resolve_citation("local government act 1974 s.24A(6)", &known),
            ["Local Government Act 1974 s.24A(6)"]
        );
        assert!(resolve_citation("s.99", &known).is_empty());

        // What none matches is answered with what is cited near it.
        assert_eq!(
            citations_near("s.26(9)", &known),
            ["Local Government Act 1974 s.26(6)(a)"]
        );
        assert!(citations_near("s.99", &known).is_empty());
        assert!(citations_near("section 26B", &known).is_empty());
        assert_eq!(citations_near("Care Act 2015", &known)[0], "Care Act 2014");
    }
}
