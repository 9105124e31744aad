//! The synthetic corpus generator: every decision parses back to the
//! fields it was generated with (both layouts), output is deterministic,
//! the distributions (outcomes, phrases, sizes, categories, citation forms)
//! are within tolerance of their targets, and the real binary writes a
//! corpus that `ombudsearch index` accepts without rejections.

mod common;

use ombudsearch::decision::Outcome;
use ombudsearch::generate::{
    CITATION_FORMS, GenerateOptions, Layout, PHRASES, generate_one, generate_with, phrases_in,
    write_corpus,
};
use ombudsearch::parse::parse;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

fn assert_round_trip(seed: u64, index: u64, layout: Layout) {
    let g = generate_with(seed, index, layout);
    let d = parse(&g.text, "gen").unwrap_or_else(|e| panic!("{seed}/{index}: {e}\n{}", g.text));
    let ctx = || format!("seed {seed} index {index} {layout:?}:\n{}", g.text);
    assert_eq!(
        d.authority.as_deref(),
        Some(g.authority.as_str()),
        "{}",
        ctx()
    );
    assert_eq!(
        d.case_ref.as_deref(),
        Some(g.case_ref.as_str()),
        "{}",
        ctx()
    );
    assert_eq!(d.category.as_ref(), Some(&g.category), "{}", ctx());
    assert_eq!(d.outcome.as_ref(), Some(&g.outcome), "{}", ctx());
    assert_eq!(d.decision_date, Some(g.decision_date), "{}", ctx());
    assert_eq!(
        d.decided_by.as_deref(),
        Some(g.decided_by.as_str()),
        "{}",
        ctx()
    );
    assert!(
        d.summary.as_deref().is_some_and(|s| s.len() > 40),
        "{}",
        ctx()
    );
    assert!(
        d.complaint.is_some() && d.role_and_powers.is_some() && d.reasons.is_some(),
        "{}",
        ctx()
    );
    // Every citation form written reads back to its keys.
    let keys: BTreeSet<&str> = d.citations.iter().map(|c| c.key.as_str()).collect();
    for name in &g.citation_forms {
        let form = CITATION_FORMS.iter().find(|f| f.name == *name).unwrap();
        for k in form.keys {
            assert!(
                keys.contains(k),
                "{name}: {k} missing from {keys:?}\n{}",
                ctx()
            );
        }
    }
    assert_eq!(
        g.page_layout,
        layout == Layout::Page || g.text.contains("Back to top")
    );
}

#[test]
fn every_decision_parses_back_to_its_fields_in_both_layouts() {
    for seed in [1, 0xdead_beef] {
        for index in 0..150 {
            assert_round_trip(seed, index, Layout::Plain);
            assert_round_trip(seed, index, Layout::Page);
        }
        for index in 1_000..1_100 {
            assert_round_trip(seed, index, Layout::Mixed);
        }
    }
}

#[test]
fn layouts_share_the_facts_and_differ_in_form() {
    let plain = generate_with(9, 3, Layout::Plain);
    let page = generate_with(9, 3, Layout::Page);
    assert_eq!(
        (&plain.case_ref, &plain.outcome, &plain.phrases),
        (&page.case_ref, &page.outcome, &page.phrases)
    );
    assert!(!plain.text.contains("\n\n") && !plain.text.ends_with('\n'));
    assert!(plain.text.lines().skip(6).all(|l| !l.is_empty()));
    assert!(page.text.contains("\n\nBack to top\n\n") && page.text.contains("Print this page"));
    assert!(page.text.contains("  1. "));
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    for index in [0, 1, 77, 999_999] {
        assert_eq!(generate_one(3, index), generate_one(3, index));
        assert_ne!(generate_one(3, index).text, generate_one(4, index).text);
    }
}

#[test]
fn distributions_are_within_tolerance() {
    const N: u64 = 5_000;
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    let mut phrases: BTreeMap<&str, u64> = BTreeMap::new();
    let mut tops = BTreeSet::new();
    let mut forms = BTreeSet::new();
    let mut refs = BTreeSet::new();
    let mut sizes = Vec::with_capacity(N as usize);
    let mut pages = 0;
    // Generated on every core (each decision has its own stream).
    let all: Vec<_> = (0..N)
        .into_par_iter()
        .map(|i| generate_one(11, i))
        .collect();
    for g in all {
        *outcomes.entry(g.outcome.label().to_string()).or_default() += 1;
        // Exactly the planted phrases occur: none slips in by chance.
        assert_eq!(phrases_in(&g.text), g.phrases, "index {}", g.index);
        for p in &g.phrases {
            *phrases.entry(p).or_default() += 1;
        }
        tops.insert(g.category.top.clone());
        forms.extend(g.citation_forms.iter().copied());
        assert!(refs.insert(g.case_ref.clone()), "duplicate {}", g.case_ref);
        sizes.push(g.text.len());
        pages += u64::from(g.page_layout);
    }
    let share = |n: u64| n as f64 / N as f64;
    for (label, target) in [
        (Outcome::Upheld.label(), 0.45),
        (Outcome::ClosedAfterInitialEnquiries.label(), 0.40),
        (Outcome::NotUpheld.label(), 0.15),
    ] {
        let got = share(outcomes.get(label).copied().unwrap_or(0));
        assert!((got - target).abs() < 0.025, "{label}: {got}");
    }
    for (phrase, rate) in PHRASES {
        let got = share(phrases.get(phrase).copied().unwrap_or(0));
        // Binomial: four standard deviations, at least 0.2 percentage points.
        let tol = (4.0 * (rate * (1.0 - rate) / N as f64).sqrt()).max(0.002);
        assert!((got - rate).abs() <= tol, "{phrase}: {got} vs {rate}");
    }
    assert!(
        (share(pages) - 0.15).abs() < 0.025,
        "page share {}",
        share(pages)
    );
    sizes.sort_unstable();
    let median = sizes[sizes.len() / 2];
    assert!((4_000..=9_000).contains(&median), "median {median}");
    assert!(sizes[0] >= 1_500, "min {}", sizes[0]);
    assert!(
        *sizes.last().unwrap() <= 40_000,
        "max {}",
        sizes.last().unwrap()
    );
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
        assert!(tops.contains(top), "{top} never generated");
    }
    for f in CITATION_FORMS {
        assert!(
            forms.contains(f.name),
            "citation form {} never written",
            f.name
        );
    }
}

#[test]
fn write_corpus_refuses_unsafe_destinations() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a_file");
    std::fs::write(&file, "x").unwrap();
    let hidden = indicatif::ProgressBar::hidden();
    let err = write_corpus(&GenerateOptions::new(3, 1, &file), &hidden).unwrap_err();
    assert!(err.to_string().contains("a_file"), "{err}");

    let busy = dir.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("notes.txt"), "mine").unwrap();
    let err = write_corpus(&GenerateOptions::new(3, 1, &busy), &hidden).unwrap_err();
    assert!(err.to_string().contains("--force"), "{err}");
    let mut forced = GenerateOptions::new(3, 1, &busy);
    forced.force = true;
    write_corpus(&forced, &hidden).unwrap();
    assert!(busy.join("notes.txt").exists());

    // A generated corpus may be regenerated in place; old shards go.
    let generated = dir.path().join("gen");
    let s = write_corpus(&GenerateOptions::new(1_005, 2, &generated), &hidden).unwrap();
    assert_eq!(s.files, 1_005);
    assert!(generated.join("0001").is_dir());
    write_corpus(&GenerateOptions::new(10, 2, &generated), &hidden).unwrap();
    assert!(!generated.join("0001").exists());
    assert_eq!(
        std::fs::read_dir(generated.join("0000")).unwrap().count(),
        10
    );
}

#[test]
fn cli_generates_a_corpus_the_indexer_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let out = common::bin()
        .args(["generate", "--count", "60", "--seed", "7", "--out"])
        .arg(&corpus)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("generated 60 files") && err.contains("MB/s"),
        "{err}"
    );
    let first = std::fs::read_dir(corpus.join("0000")).unwrap().count();
    assert_eq!(first, 60);

    let index = dir.path().join("index");
    let out = common::bin()
        .args(["index", "--strict", "--corpus"])
        .arg(&corpus)
        .arg("--index")
        .arg(&index)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.starts_with("indexed 60 of 60 files") && err.contains("0 rejected"),
        "{err}"
    );
    assert!(!err.contains("warning"), "{err}");

    // `generate --count N --out OUT`: its exit status and standard error.
    let generate = |count: &str, out: &std::path::Path| {
        let run = common::bin()
            .args(["generate", "--count", count, "--out"])
            .arg(out)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&run.stderr).into_owned();
        (run.status.code(), err)
    };

    // A file as --out is refused with its path named.
    let file = dir.path().join("plain_file");
    std::fs::write(&file, "x").unwrap();
    let (code, err) = generate("1", &file);
    assert_eq!(code, Some(1));
    assert!(err.contains("plain_file"), "{err}");

    // A folder that cannot be created: named, with the system's reason
    // given once (it was repeated, once by the message, once as its cause).
    let (code, err) = generate("1", &file.join("below"));
    assert_eq!(code, Some(1));
    assert!(err.contains("cannot create folder"), "{err}");
    assert_eq!(err.matches("os error").count(), 1, "{err}");

    // A corpus no disk holds is refused before anything is written.
    let (code, err) = generate("10000000000", &dir.path().join("huge"));
    assert_eq!(code, Some(1));
    assert!(
        err.contains("10000000000 decisions need about") && err.contains("GB free"),
        "{err}"
    );
    assert!(!dir.path().join("huge").exists());

    // Nothing to generate is a mistake, not an empty corpus.
    let (code, err) = generate("0", &dir.path().join("none"));
    assert_eq!(code, Some(2));
    assert!(err.contains("at least 1"), "{err}");
    assert!(!dir.path().join("none").exists());
}
