//! Searching the bundled corpus through the real binary: phrases, ranking,
//! highlighting, references, filters, sorting, paging, output formats.

mod common;
use common::{env, highlighted, refs, run, search, total};

const SEED: &str = "23 018 551";

#[test]
fn exact_phrase_finds_the_seed_highlighted_as_one_span() {
    let v = search(&["\"ICO is better placed\""]);
    assert!(refs(&v).contains(&SEED.to_string()), "{v}");
    let marks = highlighted(&v, SEED);
    assert!(!marks.is_empty());
    assert!(
        marks.iter().all(|m| m == "ICO is better placed"),
        "{marks:?}"
    );
    // Each hit has at most three fragments.
    for h in v["hits"].as_array().unwrap() {
        assert!(h["snippets"].as_array().unwrap().len() <= 3);
    }
}

#[test]
fn phrases_ignore_case_and_apostrophe_style() {
    let base = search(&["\"ICO is better placed\""]);
    let upper = search(&["\"ico IS better placed\""]);
    assert_eq!(refs(&base), refs(&upper));
    // The seed writes "Ombudsman’s Assessment Code" with a curly apostrophe.
    let straight = search(&["\"Ombudsman's Assessment Code\"", "--limit", "100"]);
    let curly = search(&["\"Ombudsman’s Assessment Code\"", "--limit", "100"]);
    assert!(refs(&straight).contains(&SEED.to_string()));
    assert_eq!(total(&straight), total(&curly));
    // And the other way: the header line "The Ombudsman's final decision" is straight.
    let v = search(&["\"The Ombudsman’s final decision\"", "--limit", "100"]);
    assert!(refs(&v).contains(&SEED.to_string()));
}

#[test]
fn a_phrase_is_not_just_its_words() {
    let words = total(&search(&["ICO better placed"]));
    let phrase = total(&search(&["\"ICO is better placed\""]));
    assert!(words >= phrase);
    let shuffled = search(&["\"placed better is ICO\""]);
    assert_eq!(total(&shuffled), 0);
}

#[test]
fn unquoted_words_match_stems_quoted_words_do_not() {
    // "apologised" also finds "apologise" and "apologises"; quoted, only itself.
    let stem = total(&search(&["apologised"]));
    let exact = total(&search(&["\"apologised\""]));
    assert!(stem > exact && exact > 0, "stemmed {stem} vs exact {exact}");
    assert_eq!(stem, total(&search(&["apologise"])));
}

#[test]
fn every_reference_spelling_finds_the_same_decision() {
    for q in ["23 018 551", "23018551", "23-018-551", "ref:23018551"] {
        let v = search(&[q]);
        assert_eq!(refs(&v).first().map(String::as_str), Some(SEED), "{q}: {v}");
    }
}

#[test]
fn boolean_operators() {
    let a = total(&search(&["safeguarding"]));
    let b = total(&search(&["homelessness"]));
    let both = total(&search(&["safeguarding homelessness"]));
    let either = total(&search(&["safeguarding OR homelessness"]));
    let a_not_b = total(&search(&["safeguarding -homelessness"]));
    let a_not_b2 = total(&search(&["safeguarding NOT homelessness"]));
    assert_eq!(either, a + b - both);
    assert_eq!(a_not_b, a - both);
    assert_eq!(a_not_b, a_not_b2);
    let grouped = total(&search(&["(safeguarding OR homelessness) -homelessness"]));
    assert_eq!(grouped, a_not_b);
}

#[test]
fn summary_and_final_decision_rank_above_body_mentions() {
    // The seed says "ICO is better placed" in its final decision.
    let v = search(&["final:\"ICO is better placed\""]);
    assert!(refs(&v).contains(&SEED.to_string()));
}

#[test]
fn sorting_and_paging() {
    let newest = search(&["", "--sort", "newest", "--limit", "1000"]);
    let dates: Vec<String> = newest["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["decision_date"].as_str().map(String::from))
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    let oldest = search(&["", "--sort", "oldest", "--limit", "1"]);
    assert_eq!(oldest["hits"][0]["decision_date"], *dates.last().unwrap());
    let all = refs(&search(&["complaint", "--limit", "1000"]));
    let page2 = search(&["complaint", "--limit", "5", "--offset", "5"]);
    assert_eq!(refs(&page2), all[5..10.min(all.len())]);
    assert_eq!(page2["hits"][0]["rank"], 6);
    assert!(page2.get("notes").is_none());
    // A page past the last match is empty and says where the last page is.
    let n = all.len();
    assert!(n > 5);
    let offset = (n + 3).to_string();
    let past = search(&["complaint", "--limit", "5", "--offset", &offset]);
    assert!(past["hits"].as_array().unwrap().is_empty());
    let note = past["notes"][0].as_str().unwrap();
    let last_page = (n - 1) / 5 * 5;
    assert_eq!(
        note,
        format!(
            "offset {offset} is past the last of the {n} matches; the last page of 5 starts at offset {last_page}"
        )
    );
    let last = search(&[
        "complaint",
        "--limit",
        "5",
        "--offset",
        &last_page.to_string(),
    ]);
    assert_eq!(refs(&last), all[last_page..]);
    assert!(last.get("notes").is_none());
}

#[test]
fn json_has_the_documented_shape() {
    let v = search(&["\"ICO is better placed\""]);
    for key in ["query", "total", "took_ms", "hits", "facets"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let hit = &v["hits"][0];
    for key in [
        "rank",
        "score",
        "case_ref",
        "authority",
        "category",
        "outcome",
        "decision_date",
        "path",
        "snippets",
    ] {
        assert!(hit.get(key).is_some(), "hit missing {key}");
    }
    for key in ["outcome", "category", "authority", "year", "citation"] {
        assert!(v["facets"][key].is_array(), "facets missing {key}");
    }
    let seed = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["case_ref"] == SEED)
        .unwrap();
    assert_eq!(seed["authority"], "Cambridgeshire County Council");
    assert_eq!(seed["category"], "Children's care services > Other");
    assert_eq!(seed["outcome"], "Closed after initial enquiries");
    assert_eq!(seed["decision_date"], "2024-10-31");
}

#[test]
fn text_and_csv_output() {
    let out = run("search", &["\"ICO is better placed\""]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("[ICO is better placed]"), "{text}");
    assert!(text.contains("Cambridgeshire County Council (23 018 551)"));
    let out = run("search", &["\"ICO is better placed\"", "--format", "csv"]);
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("rank,score,case_ref,authority,category,outcome,decision_date,path,snippet")
    );
    assert!(csv.contains("23 018 551"));

    // CSV holds only data; the search's notes go to standard error.
    let out = run("search", &["council", "--offset", "500", "--format", "csv"]);
    assert!(out.status.success());
    assert_eq!(out.stdout.iter().filter(|&&b| b == b'\n').count(), 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("note: offset 500 is past the last of the "),
        "{err}"
    );
}

#[test]
fn malformed_queries_exit_2_with_a_clear_message() {
    for (q, says) in [
        ("\"ICO is better", "unbalanced quote"),
        ("(council", "unbalanced parenthesis"),
        ("council)", "unbalanced parenthesis"),
        ("colour:blue", "unknown field 'colour:'"),
        ("OR", "OR"),
        ("*", "wildcard"),
        ("council~2", "fuzzy words"),
        ("ICO^2", "boosts"),
    ] {
        let out = run("search", &[q]);
        assert_eq!(out.status.code(), Some(2), "{q}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{q}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    for args in [
        ["x", "--since", "31/10/24"],
        ["x", "--until", "2024-13-01"],
        ["x", "--limit", "1000000"],
        ["x", "--council", "Atlantis"],
        ["x", "--outcome", "dismissed"],
        ["x", "--category", "Astronomy"],
    ] {
        let out = run("search", &args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Dates the wrong way round can match nothing: said, not searched,
    // whether given as flags or as years in the query.
    for (args, says) in [
        (
            &["x", "--since", "2025-01-01", "--until", "2024-01-01"][..],
            "bad date range '2025-01-01 to 2024-01-01'",
        ),
        (&["year:2024..2020"][..], "bad year range '2024..2020'"),
    ] {
        let out = run("search", args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says) && err.contains("swap them"), "{err}");
    }
}

#[test]
fn first_search_builds_a_missing_index() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let out = common::bin()
        .args([
            "search",
            "\"ICO is better placed\"",
            "--format",
            "json",
            "--corpus",
        ])
        .arg(&env().corpus)
        .arg("--index")
        .arg(&index)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(refs(&v).contains(&SEED.to_string()));
    assert!(String::from_utf8_lossy(&out.stderr).contains("building it"));
    // A search with no index and no corpus is an error, not a panic.
    let out = common::bin()
        .args(["search", "x", "--corpus", "/nonexistent", "--index"])
        .arg(dir.path().join("none"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no index"));
}

/// Decisions of the test corpus (bundled plus `tests/fixtures/bad`) whose
/// words hold `phrase`, counted by scanning every file with the query
/// tokenizer (no index involved).
fn brute_force_phrase_count(phrase: &str) -> u64 {
    use ombudsearch::tokenizer;
    let want: Vec<String> = tokenizer::words(&mut tokenizer::exact(), phrase)
        .into_iter()
        .map(|w| w.text)
        .collect();
    let mut n = 0;
    let dirs = [
        common::repo().join("corpus"),
        common::repo().join("tests/fixtures/bad"),
    ];
    for entry in dirs.iter().flat_map(|d| std::fs::read_dir(d).unwrap()) {
        let path = entry.unwrap().path();
        let Ok(text) = ombudsearch::corpus::decode(std::fs::read(&path).unwrap(), u64::MAX) else {
            continue;
        };
        if ombudsearch::parse::parse(&text, "x").is_err() {
            continue;
        }
        let words: Vec<String> = tokenizer::words(&mut tokenizer::exact(), &text)
            .into_iter()
            .map(|w| w.text)
            .collect();
        if words.windows(want.len()).any(|w| w == want.as_slice()) {
            n += 1;
        }
    }
    n
}

#[test]
fn phrases_of_common_words_match_exactly_what_a_scan_finds() {
    // Phrases looked up by common-word pairs, by words, and by both.
    for phrase in [
        "ICO is better placed",
        "time and trouble",
        "of the",
        "the",
        "the council",
        "we do not",
        "within three months of the final decision",
        "we do not start or continue an investigation",
        "Local Government and Social Care Ombudsman",
        "symbolic payment",
        "council did not",
        "to the council",
    ] {
        let expected = brute_force_phrase_count(phrase);
        let q = format!("\"{phrase}\"");
        let got = total(&search(&[q.as_str(), "--limit", "0"]));
        assert_eq!(got, expected, "{phrase}");
    }
}

/// Every hit shows the fields of the decision in its file (they are read
/// from fast-field columns, not from the stored text): checked for every
/// decision of the bundled corpus against a parse of the file itself.
#[test]
fn every_hit_shows_the_fields_of_its_decision() {
    let v = search(&["", "--limit", "1000", "--sort", "oldest"]);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len() as u64, total(&v));
    assert!(hits.len() > 40, "{}", hits.len());
    for h in hits {
        let path = h["path"].as_str().unwrap();
        let text = ombudsearch::corpus::read_text(path.as_ref(), u64::MAX).unwrap();
        let d = ombudsearch::parse::parse(&text, path).unwrap();
        let shown = |key: &str| h[key].as_str().map(str::to_string);
        assert_eq!(shown("case_ref"), d.case_ref, "{path}");
        assert_eq!(shown("authority"), d.authority, "{path}");
        assert_eq!(shown("category"), d.category.map(|c| c.display()), "{path}");
        let outcome = d.outcome.as_ref().map(|o| o.label().to_string());
        assert_eq!(shown("outcome"), outcome, "{path}");
        let date = d.decision_date.map(|x| x.to_string());
        assert_eq!(shown("decision_date"), date, "{path}");
    }
}

/// Every decision of the test corpus (bundled plus `tests/fixtures/bad`),
/// parsed.
fn test_decisions() -> Vec<ombudsearch::decision::Decision> {
    let dirs = [
        common::repo().join("corpus"),
        common::repo().join("tests/fixtures/bad"),
    ];
    dirs.iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap())
        .filter_map(|entry| {
            let path = entry.unwrap().path();
            let text = ombudsearch::corpus::decode(std::fs::read(&path).unwrap(), u64::MAX).ok()?;
            ombudsearch::parse::parse(&text, "x").ok()
        })
        .collect()
}

/// Two-word phrases across the edges of the sections' spans (the last word
/// inside and the first after, the last before and the first inside) where
/// one word is common, so the index holds them as one pair term: a pair
/// starting inside a span but ending outside must not match there.
fn phrases_across_span_edges() -> Vec<String> {
    use ombudsearch::tokenizer;
    let mut out = Vec::new();
    for d in test_decisions() {
        let words = tokenizer::words(&mut tokenizer::exact(), &d.full_text);
        for s in &d.spans {
            let first = words.iter().position(|w| w.start >= s.start);
            let after = words.iter().position(|w| w.start >= s.end);
            for edge in [first, after].into_iter().flatten().filter(|&i| i > 0) {
                let (a, b) = (&words[edge - 1].text, &words[edge].text);
                if tokenizer::is_common(a) || tokenizer::is_common(b) {
                    out.push(format!("{a} {b}"));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Decisions of the test corpus where `phrase` lies, word after word, within
/// one span of `section` (the parser's byte ranges of the section), found by
/// scanning every file with the query tokenizer (no index involved).
fn brute_force_section_count(section: ombudsearch::decision::Spanned, phrase: &str) -> u64 {
    use ombudsearch::tokenizer;
    let want: Vec<String> = tokenizer::words(&mut tokenizer::exact(), phrase)
        .into_iter()
        .map(|w| w.text)
        .collect();
    let mut n = 0;
    for d in test_decisions() {
        let words = tokenizer::words(&mut tokenizer::exact(), &d.full_text);
        let found = d.spans.iter().filter(|s| s.section == section).any(|s| {
            let inside: Vec<&str> = words
                .iter()
                .filter(|w| w.start >= s.start && w.start < s.end)
                .map(|w| w.text.as_str())
                .collect();
            inside.windows(want.len()).any(|w| w == want.as_slice())
        });
        if found {
            n += 1;
        }
    }
    n
}

/// `complaint` and `reasons` have no exact fields of their own: their
/// phrases are matched in the whole text within the sections' spans. Named
/// in a query, a section finds exactly what a scan of its spans finds, and
/// never more than the whole text.
#[test]
fn phrases_in_a_named_section_match_what_a_scan_of_its_spans_finds() {
    use ombudsearch::decision::Spanned;
    let mut outside = 0;
    let mut inside = 0;
    for phrase in [
        // Words and phrases of reasons, of the complaint, and of sections
        // that are neither (summary, role and powers, final decision).
        "fault",
        "the council",
        "of the",
        "Council",
        "ICO is better placed",
        "we do not start or continue an investigation",
        "Local Government and Social Care Ombudsman",
        "maladministration",
        "complains",
        "Mr X complains",
        "the Council did not",
        "I have completed my investigation",
        "apology",
        "we will not investigate",
        "within three months of the final decision",
        "time and trouble",
        "Investigator's decision on behalf of the Ombudsman",
    ]
    .into_iter()
    .map(str::to_string)
    .chain(phrases_across_span_edges())
    {
        let phrase = phrase.as_str();
        let whole = total(&search(&[&format!("\"{phrase}\""), "--limit", "0"]));
        for (section, name) in [
            (Spanned::Complaint, "complaint"),
            (Spanned::Reasons, "reasons"),
        ] {
            let expected = brute_force_section_count(section, phrase);
            let v = search(&[&format!("{name}:\"{phrase}\""), "--limit", "50"]);
            assert_eq!(total(&v), expected, "{name}:\"{phrase}\"");
            assert!(expected <= whole, "{name}:\"{phrase}\"");
            inside += u64::from(expected > 0);
            outside += u64::from(expected < whole);
        }
    }
    // The phrases tell the sections from the whole text.
    assert!(inside > 10 && outside > 10, "{inside} {outside}");
}

/// A sloppy phrase named in a section matches near its place there, and
/// never where the whole text's sloppy phrase does not.
#[test]
fn sloppy_phrases_in_a_named_section_stay_within_the_whole_texts() {
    for (phrase, slop) in [
        ("council fault", 3),
        ("complaint investigate", 5),
        ("Mr complains", 2),
    ] {
        let whole = search(&[&format!("\"{phrase}\"~{slop}"), "--limit", "1000"]);
        for name in ["complaint", "reasons"] {
            let v = search(&[&format!("{name}:\"{phrase}\"~{slop}"), "--limit", "1000"]);
            let within = refs(&whole);
            assert!(total(&v) <= total(&whole), "{name}: {phrase}");
            assert!(
                refs(&v).iter().all(|r| within.contains(r)),
                "{name}: {phrase}"
            );
        }
    }
    // "Mr X complains", two words apart, opens the complaint section.
    let v = search(&["complaint:\"Mr complains\"~2", "--limit", "0"]);
    assert!(total(&v) > 5, "{v}");
    let exact = search(&["complaint:\"Mr complains\"", "--limit", "0"]);
    assert_eq!(total(&exact), 0, "{exact}");
}

/// What a query names in a section is highlighted only in that section:
/// a decision with "zebra crossing" in each of its four sections, each time
/// followed by different words.
#[test]
fn a_phrase_named_in_a_section_is_highlighted_only_there() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::copy(
        common::repo().join("tests/fixtures/sections/zebra.txt"),
        corpus.join("zebra.txt"),
    )
    .unwrap();
    let index = dir.path().join("index");
    common::build_index(&corpus, &index);
    let search = |query: &str| -> serde_json::Value {
        let out = common::succeed(
            common::bin()
                .args(["search", query, "--format", "json", "--index"])
                .arg(&index),
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    // Each highlight, with what follows it in its fragment.
    let marks = |query: &str| -> Vec<String> {
        let v = search(query);
        assert_eq!(total(&v), 1, "{query}");
        let mut found = Vec::new();
        for s in v["hits"][0]["snippets"].as_array().unwrap() {
            let text = s["text"].as_str().unwrap();
            for r in s["highlights"].as_array().unwrap() {
                let (a, b) = (
                    r[0].as_u64().unwrap() as usize,
                    r[1].as_u64().unwrap() as usize,
                );
                let after: Vec<&str> = text[b..].split_whitespace().take(3).collect();
                found.push(format!("[{}] {}", &text[a..b], after.join(" ")));
            }
        }
        found
    };
    let library = "[zebra crossing] near the library.";
    let school = "[zebra crossing] outside the school";
    let station = "[zebra crossing] by the station";
    let park = "[zebra crossing] at the park";
    assert_eq!(marks("\"zebra crossing\""), [library, school, station]);
    assert_eq!(marks("summary:\"zebra crossing\""), [library]);
    assert_eq!(marks("complaint:\"zebra crossing\""), [school]);
    assert_eq!(marks("reasons:\"zebra crossing\""), [station]);
    assert_eq!(marks("final:\"zebra crossing\""), [park]);
    // Unquoted words, matched on their stems, likewise.
    assert_eq!(marks("reasons:zebra"), ["[zebra] crossing by the"]);
    assert_eq!(marks("final:zebra"), ["[zebra] crossing at the"]);
    assert_eq!(
        marks("final:zebra reasons:\"zebra crossing\""),
        [station, "[zebra] crossing at the"]
    );
    // A word in one section only matches when a query names that section.
    for (query, found) in [
        ("complaint:school", 1),
        ("reasons:school", 0),
        ("reasons:stations", 1),
        ("complaint:stations", 0),
        ("final:stations", 0),
    ] {
        assert_eq!(total(&search(query)), found, "{query}");
    }
}
