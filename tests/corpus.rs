//! The bundled corpus parses to exactly the header fields its author
//! recorded in `tests/fixtures/corpus_expected.tsv`, and covers what the
//! corpus promises (every outcome, every top-level category, both layouts).

use ombudsearch::corpus::read_text;
use ombudsearch::parse::parse;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_bundled_decision_parses_to_its_recorded_fields() {
    let tsv = std::fs::read_to_string(repo().join("tests/fixtures/corpus_expected.tsv")).unwrap();
    let mut rows = 0;
    let mut layouts = BTreeSet::new();
    for line in tsv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [file, authority, case_ref, category, outcome, date, layout] = cols[..] else {
            panic!("bad row {line:?}");
        };
        let path = repo().join("corpus").join(file);
        let text = read_text(&path, 1 << 24).unwrap();
        let d = parse(&text, file).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(d.authority.as_deref(), Some(authority), "{file}");
        assert_eq!(d.case_ref.as_deref(), Some(case_ref), "{file}");
        assert_eq!(
            d.category.as_ref().map(|c| c.display()).as_deref(),
            Some(category),
            "{file}"
        );
        assert_eq!(
            d.outcome.as_ref().map(|o| o.label()),
            Some(outcome),
            "{file}"
        );
        assert_eq!(
            d.decision_date.map(|x| x.to_string()).as_deref(),
            Some(date),
            "{file}"
        );
        assert!(
            d.summary.is_some() && d.complaint.is_some() && d.reasons.is_some(),
            "{file}"
        );
        assert_eq!(
            d.decided_by.as_deref(),
            Some("Investigator's decision on behalf of the Ombudsman"),
            "{file}"
        );
        layouts.insert(layout.to_string());
        rows += 1;
    }
    let files = std::fs::read_dir(repo().join("corpus")).unwrap().count();
    assert_eq!(rows, files, "every corpus file has a row");
    assert!(rows >= 41);
    assert_eq!(
        layouts,
        BTreeSet::from(["page".to_string(), "plain".to_string()])
    );
}

#[test]
fn the_corpus_covers_every_outcome_and_top_level_category() {
    let mut outcomes = BTreeSet::new();
    let mut tops = BTreeSet::new();
    for entry in std::fs::read_dir(repo().join("corpus")).unwrap() {
        let path = entry.unwrap().path();
        let d = parse(&read_text(&path, 1 << 24).unwrap(), "").unwrap();
        outcomes.insert(d.outcome.unwrap().label().to_string());
        tops.insert(d.category.unwrap().top);
    }
    assert_eq!(outcomes.len(), 3, "{outcomes:?}");
    for top in [
        "Adult care services",
        "Benefits and tax",
        "Children's care services",
        "Education",
        "Environment and regulation",
        "Health",
        "Housing",
        "Other Categories",
        "Planning",
        "Transport and highways",
    ] {
        assert!(tops.contains(top), "missing {top}");
    }
}
