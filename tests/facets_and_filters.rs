//! Facet counts and filters, checked against counts computed independently
//! by parsing every corpus file with the library's parser.

mod common;
use common::{env, run, search, total};
use ombudsearch::decision::Decision;
use serde_json::Value;
use std::collections::BTreeMap;

/// Every decision of the bundled corpus, parsed directly.
fn parsed() -> Vec<Decision> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&env().corpus) {
        let path = entry.unwrap().into_path();
        if !path.is_file() {
            continue;
        }
        let Ok(text) = ombudsearch::corpus::read_text(&path, 1 << 24) else {
            continue;
        };
        if let Ok(d) = ombudsearch::parse::parse(&text, &path.to_string_lossy()) {
            out.push(d);
        }
    }
    assert!(
        out.len() >= 41,
        "bundled corpus has {} decisions",
        out.len()
    );
    out
}

fn tally(values: impl Iterator<Item = String>) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for v in values {
        *m.entry(v).or_default() += 1;
    }
    m
}

/// A facet list (with category children flattened) as a map.
fn as_map(list: &Value) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for item in list.as_array().unwrap() {
        m.insert(
            item["value"].as_str().unwrap().to_string(),
            item["count"].as_u64().unwrap(),
        );
        for child in item
            .get("children")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            m.insert(
                child["value"].as_str().unwrap().to_string(),
                child["count"].as_u64().unwrap(),
            );
        }
    }
    m
}

fn facet(field: &str, extra: &[&str]) -> BTreeMap<String, u64> {
    let mut args = vec![field, "--format", "json"];
    args.extend(extra);
    let out = run("facets", &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    as_map(&serde_json::from_slice(&out.stdout).unwrap())
}

fn expected_facets(ds: &[&Decision]) -> [BTreeMap<String, u64>; 5] {
    let mut category = tally(
        ds.iter()
            .filter_map(|d| d.category.as_ref().map(|c| c.top.clone())),
    );
    category.extend(tally(ds.iter().filter_map(|d| {
        d.category
            .as_ref()
            .filter(|c| c.sub.is_some())
            .map(|c| c.display())
    })));
    [
        tally(
            ds.iter()
                .filter_map(|d| d.outcome.as_ref().map(|o| o.label().to_string())),
        ),
        category,
        tally(ds.iter().filter_map(|d| d.authority.clone())),
        tally(
            ds.iter()
                .filter_map(|d| d.decision_date.map(|x| x.year().to_string())),
        ),
        tally(ds.iter().flat_map(|d| {
            let mut keys: Vec<String> = d
                .citations
                .iter()
                .filter(|c| c.act.is_some())
                .map(|c| c.key.clone())
                .collect();
            keys.sort();
            keys.dedup();
            keys
        })),
    ]
}

#[test]
fn facet_counts_over_the_whole_index_equal_an_independent_tally() {
    let all = parsed();
    let refs: Vec<&Decision> = all.iter().collect();
    let [outcome, category, authority, year, citation] = expected_facets(&refs);
    assert_eq!(facet("outcome", &[]), outcome);
    assert_eq!(facet("category", &[]), category);
    assert_eq!(facet("council", &[]), authority);
    assert_eq!(facet("year", &[]), year);
    assert_eq!(facet("citation", &[]), citation);
    // `-q` takes a query that starts with `-` (here: all but Leeds's).
    let not_leeds = refs
        .iter()
        .filter(|d| d.authority.as_deref() != Some("Leeds City Council"))
        .copied()
        .collect::<Vec<&Decision>>();
    assert!(not_leeds.len() < refs.len());
    let [outcome, ..] = expected_facets(&not_leeds);
    assert_eq!(facet("outcome", &["-q", "-council:leeds"]), outcome);
}

/// The text table says how many decisions it counts and how many values it
/// lists, and carries the search's notes (a council filter that matched
/// several councils was silent here, unlike in `search`); JSON and CSV keep
/// the data alone on standard output and give the note on standard error.
#[test]
fn facets_say_what_they_counted() {
    let all = parsed();
    let councils = tally(all.iter().filter_map(|d| d.authority.clone()));
    let county: Vec<&Decision> = all
        .iter()
        .filter(|d| {
            d.authority
                .as_deref()
                .is_some_and(|a| a.contains("County Council"))
        })
        .collect();
    let text = |args: &[&str]| {
        let out = run("facets", args);
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };

    let out = text(&["council", "--limit", "2"]);
    let first = out.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "{} decisions match, the top 2 of {} values",
            all.len(),
            councils.len()
        )
    );
    assert_eq!(out.lines().count(), 3, "{out}");

    let out = text(&["outcome", "--council", "county"]);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some(format!("{} decisions match", county.len()).as_str())
    );
    let note = lines.next().unwrap();
    assert!(
        note.starts_with("note: council 'county' matched ") && note.contains("Kent County Council"),
        "{out}"
    );

    let out = run(
        "facets",
        &["outcome", "--council", "county", "--format", "json"],
    );
    assert!(out.status.success());
    let counted: u64 = serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!(counted as usize, county.len());
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("note: council 'county'"));

    assert_eq!(text(&["year", "-q", "zzzzqx"]), "0 decisions match\n");
    let out = run("facets", &["year", "--limit", "0"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn facets_of_a_search_count_all_matches_not_the_page() {
    let all = parsed();
    let upheld: Vec<&Decision> = all
        .iter()
        .filter(|d| d.outcome.as_ref().is_some_and(|o| o.label() == "Upheld"))
        .collect();
    let v = search(&["", "--outcome", "Upheld", "--limit", "1"]);
    assert_eq!(total(&v) as usize, upheld.len());
    assert_eq!(v["hits"].as_array().unwrap().len(), 1);
    let [outcome, category, _, year, _] = expected_facets(&upheld);
    assert_eq!(as_map(&v["facets"]["outcome"]), outcome);
    assert_eq!(as_map(&v["facets"]["category"]), category);
    assert_eq!(as_map(&v["facets"]["year"]), year);
    // Top-10 lists are the largest counts.
    let auth = v["facets"]["authority"].as_array().unwrap();
    assert!(auth.len() <= 10);
    assert!(
        auth.windows(2)
            .all(|w| w[0]["count"].as_u64() >= w[1]["count"].as_u64())
    );
}

#[test]
fn each_filter_narrows_to_exactly_the_right_decisions() {
    let all = parsed();
    let count = |pred: &dyn Fn(&Decision) -> bool| all.iter().filter(|d| pred(d)).count() as u64;

    let cambs = count(&|d| d.authority.as_deref() == Some("Cambridgeshire County Council"));
    assert!(cambs >= 2);
    assert_eq!(total(&search(&["", "--council", "cambridgeshire"])), cambs);
    assert_eq!(
        total(&search(&["", "--council", "Cambridgeshire County Council"])),
        cambs
    );
    let leeds = count(&|d| d.authority.as_deref() == Some("Leeds City Council"));
    assert_eq!(total(&search(&["", "--council", "LEEDS"])), leeds);
    // A filter given twice lets either value through; a value twice, once.
    assert!(leeds > 0);
    let either = search(&["", "--council", "leeds", "--council", "cambridgeshire"]);
    assert_eq!(total(&either), leeds + cambs);
    let councils = either["facets"]["authority"].as_array().unwrap().len();
    assert_eq!(councils, 2, "{either}");
    let twice = search(&["", "--council", "leeds", "--council", "Leeds City Council"]);
    assert_eq!(total(&twice), leeds);
    let decided = count(&|d| {
        d.outcome
            .as_ref()
            .is_some_and(|o| o.label() == "Upheld" || o.label() == "Not upheld")
    });
    let investigated = search(&["", "--outcome", "upheld", "--outcome", "not upheld"]);
    assert_eq!(total(&investigated), decided);
    // Across filters, every one still applies.
    let leeds_upheld = count(&|d| {
        d.authority.as_deref() == Some("Leeds City Council")
            && d.outcome.as_ref().is_some_and(|o| o.label() == "Upheld")
    });
    let narrowed = search(&[
        "",
        "--council",
        "leeds",
        "--council",
        "cambridgeshire",
        "--outcome",
        "upheld",
    ]);
    let cambs_upheld = count(&|d| {
        d.authority.as_deref() == Some("Cambridgeshire County Council")
            && d.outcome.as_ref().is_some_and(|o| o.label() == "Upheld")
    });
    assert_eq!(total(&narrowed), leeds_upheld + cambs_upheld);
    // A bad value among several is still refused.
    // In the query, two councils both required match nothing, and say so.
    let both = search(&["council:leeds council:cambridgeshire"]);
    assert_eq!(total(&both), 0);
    assert_eq!(
        both["notes"][0],
        "a decision has one council, so council:leeds and council:cambridgeshire together match none; for either, write (council:leeds OR council:cambridgeshire)"
    );
    let or = search(&["(council:leeds OR council:cambridgeshire)"]);
    assert_eq!(total(&or), leeds + cambs);
    // Two spellings of one council narrow nothing and are not noted.
    let same = search(&["council:leeds council:\"leeds city\""]);
    assert_eq!(total(&same), leeds);
    assert!(
        same["notes"].as_array().is_none_or(|n| n.is_empty()),
        "{same}"
    );
    let outcomes = search(&["outcome:upheld outcome:\"not upheld\""]);
    assert_eq!(total(&outcomes), 0);
    assert!(
        outcomes["notes"][0]
            .as_str()
            .unwrap()
            .contains("(outcome:upheld OR outcome:\"not upheld\")")
    );
    let bad = run("search", &["", "--council", "leeds", "--council", "zzzqqq"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("zzzqqq"));

    let education = count(&|d| d.category.as_ref().is_some_and(|c| c.top == "Education"));
    assert!(education > 0);
    assert_eq!(total(&search(&["", "--category", "education"])), education);
    let sen = count(&|d| {
        d.category
            .as_ref()
            .is_some_and(|c| c.display() == "Education > Special educational needs")
    });
    assert_eq!(
        total(&search(&[
            "",
            "--category",
            "Education > Special educational needs"
        ])),
        sen
    );

    for (flag, label) in [
        ("upheld", "Upheld"),
        ("not upheld", "Not upheld"),
        ("closed", "Closed after initial enquiries"),
    ] {
        let n = count(&|d| d.outcome.as_ref().is_some_and(|o| o.label() == label));
        assert!(n > 0, "{label}");
        assert_eq!(total(&search(&["", "--outcome", flag])), n, "{flag}");
    }

    let since = jiff::civil::date(2020, 1, 1);
    let until = jiff::civil::date(2023, 12, 31);
    let in_range = count(&|d| d.decision_date.is_some_and(|x| x >= since && x <= until));
    assert_eq!(
        total(&search(&[
            "",
            "--since",
            "2020-01-01",
            "--until",
            "2023-12-31"
        ])),
        in_range
    );
    // The same years in the query: a range of years, and open ranges.
    assert_eq!(total(&search(&["year:2020..2023"])), in_range);
    // Years, and days written the British way, in the date flags.
    for (since, until) in [
        ("2020", "2023"),
        ("01/01/2020", "31/12/2023"),
        ("2020-01", "2023-12"),
    ] {
        assert_eq!(
            total(&search(&["", "--since", since, "--until", until])),
            in_range,
            "{since} to {until}"
        );
    }
    let feb_2024 = count(&|d| {
        d.decision_date
            .is_some_and(|x| x.year() == 2024 && x.month() == 2)
    });
    assert_eq!(
        total(&search(&["", "--since", "2024-02", "--until", "2024-02"])),
        feb_2024
    );
    let from_2020 = count(&|d| d.decision_date.is_some_and(|x| x >= since));
    assert_eq!(total(&search(&["year:2020.."])), from_2020);
    let to_2019 = count(&|d| d.decision_date.is_some_and(|x| x < since));
    assert_eq!(total(&search(&["year:..2019"])), to_2019);
    let on_day = count(&|d| d.decision_date == Some(jiff::civil::date(2024, 10, 31)));
    assert_eq!(
        total(&search(&[
            "",
            "--since",
            "2024-10-31",
            "--until",
            "2024-10-31"
        ])),
        on_day
    );
    // Dates that miss every decision say which dates the index holds.
    let first = all.iter().filter_map(|d| d.decision_date).min().unwrap();
    let last = all.iter().filter_map(|d| d.decision_date).max().unwrap();
    let holds = format!("the index holds decisions dated {first} to {last}");
    for (args, asked) in [
        (vec!["", "--since", "2199"], "on or after 2199-01-01"),
        (vec!["year:1999"], "from 1999-01-01 to 1999-12-31"),
        (vec!["", "--until", "31/12/2001"], "on or before 2001-12-31"),
    ] {
        let v = search(&args);
        assert_eq!(total(&v), 0, "{args:?}");
        assert_eq!(
            v["notes"][0].as_str().unwrap(),
            format!("no decision is dated {asked}: {holds}")
        );
    }
    let v = search(&[
        "",
        "--since",
        &first.to_string(),
        "--until",
        &first.to_string(),
    ]);
    assert!(
        total(&v) > 0 && v["notes"].as_array().is_none_or(|n| n.is_empty()),
        "{v}"
    );

    let cites = count(&|d| {
        d.citations
            .iter()
            .any(|c| c.act.is_some() && c.key.ends_with(" s.24A(6)"))
    });
    assert!(cites > 0);
    assert_eq!(total(&search(&["", "--cites", "s.24A(6)"])), cites);
    assert_eq!(
        total(&search(&[
            "",
            "--cites",
            "Local Government Act 1974 s.24A(6)"
        ])),
        cites
    );
    let v = search(&["", "--cites", "s.999"]);
    assert_eq!(total(&v), 0);
    assert!(v["notes"][0].as_str().unwrap().contains("no decision"));
    // A subsection never cited: the note names the section's cited ones.
    let v = search(&["", "--cites", "s.26(9)"]);
    assert_eq!(total(&v), 0);
    let note = v["notes"][0].as_str().unwrap();
    assert!(
        note.starts_with("no decision in the index cites 's.26(9)'; cited nearby: ")
            && note.contains("Local Government Act 1974 s.26(6)(a)"),
        "{note}"
    );

    // A provision typed as a word of the query (decisions write `section
    // 26(6)(a)`, so its words alone matched nothing) also finds the
    // decisions citing it, highlighting the words they cite it with.
    let citing = count(&|d| {
        d.citations.iter().any(|c| {
            c.act.is_some() && (c.key.ends_with(" s.26(6)") || c.key.contains(" s.26(6)("))
        })
    });
    assert!(citing > 0);
    for typed in ["s.26(6)", "s26(6)", "S.26(6)"] {
        let v = search(&[typed]);
        assert_eq!(total(&v), citing, "{typed}");
        assert_eq!(
            v["notes"][0].as_str(),
            Some(
                format!("{typed} also finds the decisions citing it, as cites:{typed} does")
                    .as_str()
            )
        );
        let hit = &v["hits"][0]["snippets"][0];
        let text = hit["text"].as_str().unwrap();
        let [a, b] = [0, 1].map(|i| hit["highlights"][0][i].as_u64().unwrap() as usize);
        assert!(text[a..b].starts_with("section 26(6)"), "{text}");
    }
    assert_eq!(total(&search(&["NOT s.26(6)"])), all.len() as u64 - citing);
    let v = search(&["s.26(9)"]);
    assert_eq!(total(&v), 0);
    assert!(
        v["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("no decision in the index cites 's.26(9)'; cited nearby: "),
        "{v}"
    );

    // Filters combine with a query and with each other.
    let both = count(&|d| {
        d.authority.as_deref() == Some("Cambridgeshire County Council")
            && d.outcome
                .as_ref()
                .is_some_and(|o| o.label() == "Closed after initial enquiries")
    });
    assert_eq!(
        total(&search(&[
            "",
            "--council",
            "cambridgeshire",
            "--outcome",
            "closed"
        ])),
        both
    );
    let v = search(&["\"ICO is better placed\"", "--council", "cambridgeshire"]);
    assert_eq!(common::refs(&v), ["23 018 551"]);
}

#[test]
fn unknown_council_suggests_close_names() {
    let out = run("search", &["x", "--council", "cambrigeshire"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Cambridgeshire County Council"), "{err}");
}

#[test]
fn phrase_total_equals_an_independent_token_scan() {
    let all = parsed();
    let phrase = ["ico", "is", "better", "placed"];
    let mut analyzer = ombudsearch::tokenizer::exact();
    let n = all
        .iter()
        .filter(|d| {
            let words: Vec<String> = ombudsearch::tokenizer::words(&mut analyzer, &d.full_text)
                .into_iter()
                .map(|w| w.text)
                .collect();
            words.windows(4).any(|w| w == phrase)
        })
        .count() as u64;
    assert_eq!(total(&search(&["\"ICO is better placed\""])), n);
}
