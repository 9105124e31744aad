//! Parser tests: the FORMAT.md §11 checklist (items 1–8 and 10) over the
//! fixtures in `tests/fixtures/parse/`, plus property tests.

use super::*;
use crate::decision::{Category, Outcome};
use jiff::civil::date;
use proptest::prelude::*;

const SEED: &str = include_str!("../../tests/fixtures/parse/seed.txt");
const SEED_PAGE: &str = include_str!("../../tests/fixtures/parse/seed_page.txt");
const HEADERLESS: &str = include_str!("../../tests/fixtures/parse/headerless.txt");
const TOC: &str = include_str!("../../tests/fixtures/parse/toc.txt");
const MIRROR: &str = include_str!("../../tests/fixtures/parse/mirror.txt");
const SUMMARY_2016: &str = include_str!("../../tests/fixtures/parse/summary_2016.txt");
const SUMMARY_2010: &str = include_str!("../../tests/fixtures/parse/summary_2010.txt");
const UNKNOWN_LABEL: &str = include_str!("../../tests/fixtures/parse/unknown_label.txt");
const JOINT_REF: &str = include_str!("../../tests/fixtures/parse/joint_ref.txt");
const NO_FINAL_HEADING: &str = include_str!("../../tests/fixtures/parse/no_final_heading.txt");
const NO_CLOSING: &str = include_str!("../../tests/fixtures/parse/no_closing.txt");
const DUPLICATE_CLOSING: &str = include_str!("../../tests/fixtures/parse/duplicate_closing.txt");
const OTHER_LAND: &str = include_str!("../../tests/fixtures/parse/other_land.txt");
const CRLF: &str = include_str!("../../tests/fixtures/parse/crlf.txt");
const FULL: &str = include_str!("../../tests/fixtures/parse/full_investigation.txt");

const ALL: &[(&str, &str)] = &[
    ("seed", SEED),
    ("seed_page", SEED_PAGE),
    ("headerless", HEADERLESS),
    ("toc", TOC),
    ("mirror", MIRROR),
    ("summary_2016", SUMMARY_2016),
    ("summary_2010", SUMMARY_2010),
    ("unknown_label", UNKNOWN_LABEL),
    ("joint_ref", JOINT_REF),
    ("no_final_heading", NO_FINAL_HEADING),
    ("no_closing", NO_CLOSING),
    ("duplicate_closing", DUPLICATE_CLOSING),
    ("other_land", OTHER_LAND),
    ("crlf", CRLF),
    ("full_investigation", FULL),
];

const CLOSING: &str = "Investigator's decision on behalf of the Ombudsman";

fn ok(text: &str) -> Decision {
    match parse(text, "test.txt") {
        Ok(d) => d,
        Err(e) => panic!("parse failed: {e}"),
    }
}

fn cat(top: &str, sub: &str) -> Option<Category> {
    Some(Category {
        top: top.into(),
        sub: Some(sub.into()),
    })
}

// §11.1 ---------------------------------------------------------------------

#[test]
fn seed_fields() {
    let d = ok(SEED);
    assert_eq!(
        d.authority.as_deref(),
        Some("Cambridgeshire County Council")
    );
    assert_eq!(d.case_ref.as_deref(), Some("23 018 551"));
    assert_eq!(d.category, cat("Children's care services", "Other"));
    assert_eq!(d.outcome, Some(Outcome::ClosedAfterInitialEnquiries));
    assert_eq!(d.decision_date, Some(date(2024, 10, 31)));
    assert_eq!(d.decided_by.as_deref(), Some(CLOSING));
    assert_eq!(
        d.headings,
        [
            "The complaint",
            "The Ombudsman’s role and powers",
            "How I considered this complaint",
            "My assessment",
            "Final decision"
        ]
    );
    let summary = d.summary.as_deref().unwrap_or_default();
    assert!(summary.starts_with("We will not investigate Ms X’s complaint"));
    assert!(summary.ends_with("her data protection dispute."));
    assert_eq!(d.full_text, SEED);
    assert_eq!(d.path, "test.txt");
}

#[test]
fn seed_sections() {
    let d = ok(SEED);
    assert_eq!(
        d.complaint.as_deref(),
        Some("Ms X complains about children services’ actions around an assessment report.")
    );
    let role = d.role_and_powers.as_deref().unwrap_or_default();
    assert!(role.starts_with("We investigate complaints about ‘maladministration’"));
    assert!(
        role.contains("\nwe could not add to any previous investigation by the organisation; or\n")
    );
    assert!(role.ends_with("(Local Government Act 1974, section 24A(6), as amended)"));
    assert_eq!(role.lines().count(), 5);
    let reasons = d.reasons.as_deref().unwrap_or_default();
    assert!(reasons.starts_with(
        "How I considered this complaint\nI considered information provided by Ms X and the Council.\n"
    ));
    assert!(reasons.contains("\nMy assessment\nMs X complained to the Council in January 2024"));
    assert!(reasons.contains("\nPoor communication\nAn officer’s professionalism\n"));
    assert!(
        reasons.ends_with("It explained its position to her. We are unlikely to achieve more.")
    );
    assert!(!reasons.contains("Final decision"));
    assert_eq!(
        d.final_decision.as_deref(),
        Some(
            "We will not investigate Ms X’s complaint because we are unlikely to achieve a significantly different outcome and the ICO is better placed to consider her data protection complaint."
        )
    );
}

#[test]
fn closing_line_found_with_and_without_final_newline() {
    assert!(!SEED.ends_with('\n'));
    let with_newline = format!("{SEED}\n");
    assert_eq!(ok(&with_newline).decided_by.as_deref(), Some(CLOSING));
    assert_eq!(ok(SEED).decided_by.as_deref(), Some(CLOSING));
}

#[test]
fn seed_amounts_and_citations_offsets_are_in_full_text() {
    let d = ok(SEED);
    assert!(d.amounts.is_empty());
    for c in &d.citations {
        assert_eq!(d.full_text.get(c.start..c.end), Some(c.raw.as_str()));
    }
}

// §11.2 ---------------------------------------------------------------------

/// Every field except the text as read and the offsets into it.
fn fields(d: &Decision) -> Decision {
    Decision {
        full_text: String::new(),
        path: String::new(),
        citations: Vec::new(),
        amounts: Vec::new(),
        spans: Vec::new(),
        ..d.clone()
    }
}

#[test]
fn page_form_matches_plain_form() {
    let plain = ok(SEED);
    let page = ok(SEED_PAGE);
    assert_eq!(fields(&page), fields(&plain));
    assert_eq!(
        page.citations.iter().map(|c| &c.key).collect::<Vec<_>>(),
        plain.citations.iter().map(|c| &c.key).collect::<Vec<_>>()
    );
}

#[test]
fn page_furniture_is_cut_from_full_text() {
    let d = ok(SEED_PAGE);
    assert!(
        d.full_text
            .starts_with("Cambridgeshire County Council (23 018 551)\n")
    );
    assert!(d.full_text.ends_with("Back to top"));
    for furniture in [
        "Privacy settings",
        "Print this page",
        "LGO logogram",
        "cookies",
    ] {
        assert!(!d.full_text.contains(furniture), "{furniture}");
    }
    // otherwise unchanged: a slice of the input
    assert!(SEED_PAGE.contains(&d.full_text));
}

// §11.3 ---------------------------------------------------------------------

#[test]
fn three_date_forms() {
    assert_eq!(parse_date("07 Sep 2020"), Some(date(2020, 9, 7)));
    assert_eq!(parse_date("04-Nov-2025"), Some(date(2025, 11, 4)));
    assert_eq!(parse_date("23 September 2016"), Some(date(2016, 9, 23)));
    assert_eq!(parse_date("31 Feb 2024"), None);
    assert_eq!(ok(TOC).decision_date, Some(date(2020, 9, 7)));
    assert_eq!(ok(CRLF).decision_date, Some(date(2025, 11, 4)));
    assert_eq!(ok(NO_CLOSING).decision_date, Some(date(2020, 11, 9)));
}

#[test]
fn impossible_header_date_is_none() {
    let text = SEED.replace("31 Oct 2024", "31 Feb 2024");
    let d = ok(&text);
    assert_eq!(d.decision_date, None);
    assert_eq!(d.outcome, Some(Outcome::ClosedAfterInitialEnquiries));
}

// §11.4 ---------------------------------------------------------------------

#[test]
fn joint_reference_and_ampersand_name() {
    let d = ok(JOINT_REF);
    assert_eq!(
        d.authority.as_deref(),
        Some("Oadby & Wigston Borough Council")
    );
    assert_eq!(d.case_ref.as_deref(), Some("16 010 636c"));
    assert_eq!(d.category, cat("Health", "Hospital acute services"));
    assert_eq!(d.outcome, Some(Outcome::Upheld));
    assert_eq!(d.headings[1], "The Ombudsmen’s role and powers");
    assert!(
        d.role_and_powers
            .as_deref()
            .unwrap_or_default()
            .starts_with("The Local Government")
    );
    // `What I have investigated` after role and powers goes to reasons
    let reasons = d.reasons.as_deref().unwrap_or_default();
    assert!(reasons.starts_with("What I have investigated\nI have investigated the discharge"));
    assert!(
        reasons.contains("\nAgreed action\nThe Council and the Trust will each pay Mrs M £300.")
    );
    assert_eq!(d.amounts.len(), 1);
    assert_eq!(d.amounts[0].pounds, 300);
}

#[test]
fn names_with_dot_and_apostrophe() {
    let d = ok(OTHER_LAND);
    assert_eq!(d.authority.as_deref(), Some("St. Georges Primary School"));
    let d = ok(CRLF);
    assert_eq!(d.authority.as_deref(), Some("Madani Boy's School"));
    assert_eq!(d.case_ref.as_deref(), Some("22 010 325"));
    let d = ok(FULL);
    assert_eq!(
        d.authority.as_deref(),
        Some("City Of Bradford Metropolitan District Council")
    );
    let text = SEED.replacen(
        "Cambridgeshire County Council (23 018 551)",
        "The Franklyn Group Limited (formerly (12 345 678)) (17 002 402b)",
        1,
    );
    let d = ok(&text);
    assert_eq!(
        d.authority.as_deref(),
        Some("The Franklyn Group Limited (formerly (12 345 678))")
    );
    assert_eq!(d.case_ref.as_deref(), Some("17 002 402b"));
}

// §11.5 ---------------------------------------------------------------------

#[test]
fn headerless_page() {
    let d = ok(HEADERLESS);
    assert_eq!(d.authority.as_deref(), Some("London Borough of Hackney"));
    assert_eq!(d.case_ref.as_deref(), Some("19 004 512"));
    assert_eq!(
        (&d.category, &d.outcome, d.decision_date),
        (&None, &None, None)
    );
    assert!(
        d.summary
            .as_deref()
            .unwrap_or_default()
            .starts_with("Mr X complains")
    );
    assert_eq!(d.headings.len(), 5);
    assert_eq!(d.decided_by.as_deref(), Some(CLOSING));
}

#[test]
fn table_of_contents_is_not_sections() {
    let d = ok(TOC);
    assert_eq!(d.authority.as_deref(), Some("Kent County Council"));
    assert_eq!(d.category, cat("Education", "Special educational needs"));
    assert_eq!(d.outcome, Some(Outcome::NotUpheld));
    assert_eq!(d.headings.len(), 5, "{:?}", d.headings);
    assert_eq!(
        d.complaint.as_deref(),
        Some(
            "Mrs X complains the Council delayed in issuing an Education, Health and Care (EHC) Plan for her son, Y."
        )
    );
    assert_eq!(
        d.final_decision.as_deref(),
        Some("I have completed my investigation. There was no fault by the Council.")
    );
    assert!(d.full_text.starts_with("Kent County Council"));
    assert!(d.full_text.ends_with(CLOSING));
}

#[test]
fn untitled_mirror_copy() {
    let d = ok(MIRROR);
    assert_eq!((&d.authority, &d.case_ref), (&None, &None));
    assert_eq!(
        (&d.category, &d.outcome, d.decision_date),
        (&None, &None, None)
    );
    // `Summary:` with its text on the next line, starting in lower case
    assert!(
        d.summary
            .as_deref()
            .unwrap_or_default()
            .starts_with("the Council failed")
    );
    assert_eq!(
        d.headings,
        [
            "The complaint",
            "The Ombudsman’s role and powers",
            "How I considered this complaint",
            "What I found",
            "Agreed action",
            "Final decision"
        ]
    );
    assert!(
        d.reasons
            .as_deref()
            .unwrap_or_default()
            .contains("Agreed action\nWithin one month")
    );
    assert_eq!(
        d.amounts.iter().map(|a| a.pounds).collect::<Vec<_>>(),
        [250, 250]
    );
}

#[test]
fn summary_form_2016() {
    let d = ok(SUMMARY_2016);
    assert_eq!(d.authority, None);
    assert_eq!(d.case_ref.as_deref(), Some("16 005 678"));
    assert_eq!(d.category, cat("Adult care services", "Charging"));
    assert_eq!(d.outcome, Some(Outcome::Upheld));
    assert_eq!(d.decision_date, Some(date(2016, 9, 23)));
    assert!(
        d.summary
            .as_deref()
            .unwrap_or_default()
            .starts_with("Mrs B complained that the Council")
    );
    assert_eq!(d.headings, ["The complaint"]);
    assert_eq!(d.complaint, None);
    assert_eq!(
        d.reasons.as_deref(),
        Some(
            "The complaint\nThe Ombudsman upheld the complaint and found fault causing injustice.\nThe Council agreed to waive £1,450 of the charges and to apologise to Mrs B.\nOmbudsman satisfied with council's response: 23 September 2016"
        )
    );
    assert_eq!((&d.final_decision, &d.decided_by), (&None, &None));
    assert!(d.full_text.starts_with("16 005 678\n"));
    assert!(d.full_text.ends_with("23 September 2016"));
    assert_eq!(
        d.amounts.iter().map(|a| a.pounds).collect::<Vec<_>>(),
        [1450]
    );
}

#[test]
fn summary_form_2010_with_authority_title() {
    let d = ok(SUMMARY_2010);
    assert_eq!(d.authority.as_deref(), Some("London Borough of Lambeth"));
    assert_eq!(d.case_ref.as_deref(), Some("09 005 422"));
    assert_eq!(d.category, cat("Housing", "Homelessness"));
    assert_eq!(d.decision_date, Some(date(2010, 6, 14)));
    assert!(
        d.summary
            .as_deref()
            .unwrap_or_default()
            .starts_with("The complainant, ‘Miss Brown’")
    );
    assert!(
        d.reasons
            .as_deref()
            .unwrap_or_default()
            .contains("pay Miss Brown £500")
    );
    assert!(d.full_text.ends_with("bed and breakfast accommodation."));
}

// §11.6 ---------------------------------------------------------------------

#[test]
fn unknown_decision_label_is_kept() {
    let d = ok(UNKNOWN_LABEL);
    assert_eq!(
        d.outcome,
        Some(Outcome::Other(
            "Upheld: maladministration and injustice".into()
        ))
    );
    assert_eq!(d.headings.len(), 5);
}

// §11.7 ---------------------------------------------------------------------

#[test]
fn other_categories_land() {
    assert_eq!(ok(OTHER_LAND).category, cat("Other Categories", "Land"));
}

// §11.8 ---------------------------------------------------------------------

#[test]
fn missing_final_decision_heading() {
    let d = ok(NO_FINAL_HEADING);
    assert_eq!(d.final_decision, None);
    assert_eq!(d.headings.len(), 4);
    assert_eq!(d.decided_by.as_deref(), Some(CLOSING));
    assert!(
        d.reasons
            .as_deref()
            .unwrap_or_default()
            .ends_with("We will not investigate.")
    );
}

#[test]
fn missing_closing_line() {
    let d = ok(NO_CLOSING);
    assert_eq!(d.decided_by, None);
    assert_eq!(
        d.final_decision.as_deref(),
        Some("There was no fault in how the Council decided the application.")
    );
    assert_eq!(d.outcome, Some(Outcome::NotUpheld));
}

#[test]
fn duplicated_closing_line_kept_once() {
    let d = ok(DUPLICATE_CLOSING);
    assert_eq!(d.decided_by.as_deref(), Some(CLOSING));
    assert_eq!(
        d.final_decision.as_deref(),
        Some("We will not investigate Mrs W’s complaint.")
    );
    let only_curly = DUPLICATE_CLOSING.trim_end_matches(CLOSING).trim_end();
    assert_eq!(
        ok(only_curly).decided_by.as_deref(),
        Some("Investigator’s decision on behalf of the Ombudsman")
    );
}

// §11.10 and the full investigation -------------------------------------------

#[test]
fn full_investigation_sections_and_amounts() {
    let d = ok(FULL);
    assert_eq!(
        d.headings,
        [
            "The complaint",
            "The Ombudsman’s role and powers",
            "What I have and have not investigated",
            "How I considered this complaint",
            "What I found",
            "Agreed action",
            "Final decision"
        ]
    );
    let reasons = d.reasons.as_deref().unwrap_or_default();
    for sub in [
        "\nWhat I found\nRelevant law and guidance – Mental Capacity Act 2005\n",
        "\nLegislative background\n",
        "\nWhat happened\nThe Council assessed Mrs Y as a full‑cost payer",
        "\nAnalysis\n",
        "\nAgreed action\nWithin one month",
    ] {
        assert!(reasons.contains(sub), "{sub}");
    }
    assert_eq!(
        d.complaint.as_deref(),
        Some(
            "Mrs X complains the Council:\nwrongly charged her mother, Mrs Y, the full cost of her care home place; and\ndelayed in answering her complaint."
        )
    );
    assert_eq!(
        d.amounts.iter().map(|a| a.pounds).collect::<Vec<_>>(),
        [1250, 19898, 19898, 1250, 1200, 19898]
    );
    for a in &d.amounts {
        let s = d.full_text.get(a.start..a.end).unwrap_or_default();
        assert!(s.starts_with('£'), "{s}");
    }
    assert!(
        d.summary
            .as_deref()
            .unwrap_or_default()
            .ends_with("of charges.")
    );
}

#[test]
fn what_i_have_investigated_before_role_goes_to_complaint() {
    let text = FULL.replace(
        "What I have and have not investigated\n- I have not investigated events before April 2021 because Mrs X could have complained about them sooner.\n",
        "",
    );
    let text = text.replace(
        "The Ombudsman’s role and powers\n",
        "What I have investigated\n- I looked at the charges.\nThe Ombudsman’s role and powers\n",
    );
    let d = ok(&text);
    assert!(d.complaint.as_deref().unwrap_or_default().ends_with(
        "delayed in answering her complaint.\nWhat I have investigated\nI looked at the charges."
    ));
    assert!(
        d.reasons
            .as_deref()
            .unwrap_or_default()
            .starts_with("How I considered")
    );
}

// CRLF and whitespace-only lines ---------------------------------------------

#[test]
fn crlf_and_space_only_lines() {
    let d = ok(CRLF);
    assert_eq!(d.category, cat("Education", "Alternative provision"));
    assert_eq!(d.outcome, Some(Outcome::Upheld));
    assert_eq!(d.decided_by.as_deref(), Some(CLOSING));
    assert!(
        d.summary
            .as_deref()
            .unwrap_or_default()
            .starts_with("the school did not")
    );
    assert_eq!(d.headings.len(), 6);
    assert_eq!(
        d.complaint.as_deref(),
        Some(
            "Mr and Mrs X complain the school moved their son, C, to alternative provision without telling them why."
        )
    );
    assert_eq!(
        d.role_and_powers.as_deref(),
        Some("We investigate complaints about ‘maladministration’ and ‘service failure’.")
    );
    for field in [
        &d.complaint,
        &d.role_and_powers,
        &d.reasons,
        &d.final_decision,
    ] {
        assert!(!field.as_deref().unwrap_or_default().contains('\r'));
    }
    // the same text with LF only parses to the same fields
    let lf = ok(&CRLF.replace("\r\n", "\n"));
    assert_eq!(fields(&lf), fields(&d));
    assert!(d.full_text.ends_with(CLOSING));
    assert_eq!(d.amounts.len(), 2);
}

#[test]
fn seed_with_crlf_matches_seed() {
    let crlf = ok(&SEED.replace('\n', "\r\n"));
    assert_eq!(fields(&crlf), fields(&ok(SEED)));
}

// Rejection -------------------------------------------------------------------

#[test]
fn empty_and_headerless_texts_are_rejected() {
    for text in ["", "   \n\t\r\n  "] {
        assert_eq!(parse(text, ""), Err(ParseError::Empty));
    }
    for text in [
        "Hello world",
        "Privacy settings\nWe use cookies.\nPrint this page",
        "- We investigate complaints (23 018 551)",
        "23 018 551\nSome text\nMore text\nEven more\nCategory : Housing > Other",
    ] {
        let err = parse(text, "").unwrap_err();
        assert_eq!(err, ParseError::NoHeader, "{text}");
        assert!(err.to_string().contains("expected"));
    }
    assert!(ParseError::Empty.to_string().contains("expected"));
}

#[test]
fn anything_with_a_header_is_accepted() {
    let d = ok("Some Council (23 018 551)");
    assert_eq!(d.case_ref.as_deref(), Some("23 018 551"));
    assert_eq!(d.headings, Vec::<String>::new());
    let d = ok("The Ombudsman's final decision:");
    assert_eq!(d.summary, None);
    let d = ok("23 018 551\nDecision : Upheld");
    assert_eq!(d.outcome, Some(Outcome::Upheld));
}

#[test]
fn all_fixtures_parse_with_offsets_inside_full_text() {
    for (name, text) in ALL {
        let d = ok(text);
        assert!(d.case_ref.is_some() || *name == "mirror", "{name}");
        for a in &d.amounts {
            assert!(d.full_text.get(a.start..a.end).is_some(), "{name}");
        }
        for c in &d.citations {
            assert!(d.full_text.get(c.start..c.end).is_some(), "{name}");
        }
    }
}

// Property tests ---------------------------------------------------------------

fn check_invariants(d: &Decision) {
    for a in &d.amounts {
        assert!(a.start < a.end && a.end <= d.full_text.len());
        assert!(d.full_text.is_char_boundary(a.start) && d.full_text.is_char_boundary(a.end));
        assert!(d.full_text[a.start..a.end].starts_with('£'));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_arbitrary_strings(s in "\\PC*") {
        if let Ok(d) = parse(&s, "p") {
            check_invariants(&d);
        }
    }

    #[test]
    fn never_panics_on_header_like_noise(
        s in "([A-Za-z ’'&.]{0,12}\\(\\d\\d \\d\\d\\d \\d\\d\\d[a-c]?\\)|Category ?: ?[a-z >]{0,8}|Decision ?:? ?[A-Za-z0-9 -]{0,12}|The Ombudsman['’]s final decision:?|Summary:|- |  1\\.|•|£[0-9,.]{0,8}|\u{a0}|\u{2011}|\r|\n| ){0,40}"
    ) {
        if let Ok(d) = parse(&s, "p") {
            check_invariants(&d);
        }
    }

    #[test]
    fn never_panics_on_mutated_seed(
        edits in proptest::collection::vec((0usize..4000, 0usize..40, "[a-z£’‑–\u{a0}\r\n ,.:()0-9-]{0,6}"), 1..6),
        page in any::<bool>(),
    ) {
        let mut text = if page { SEED_PAGE.to_string() } else { SEED.to_string() };
        for (at, del, insert) in edits {
            let mut start = at.min(text.len());
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + del).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(start..end, &insert);
        }
        if let Ok(d) = parse(&text, "p") {
            check_invariants(&d);
            prop_assert!(text.contains(&d.full_text));
        }
    }
}

/// Timing probe, not an assertion: `cargo test --lib perf_probe -- --ignored
/// --nocapture`. Shows that large or degenerate inputs stay linear.
#[test]
#[ignore]
fn perf_probe() {
    let t = std::time::Instant::now();
    for _ in 0..2000 {
        let _ = parse(SEED_PAGE, "p");
        let _ = parse(FULL, "p");
    }
    eprintln!("4000 parses: {:?}", t.elapsed());
    let big: String = std::iter::repeat_n(SEED_PAGE, 300).collect();
    let t = std::time::Instant::now();
    let d = parse(&big, "p");
    eprintln!("{} bytes: {:?} ok={}", big.len(), t.elapsed(), d.is_ok());
    let big: String = std::iter::repeat_n(format!("{SEED}\n"), 300).collect();
    let t = std::time::Instant::now();
    let d = parse(&big, "p");
    eprintln!(
        "plain {} bytes: {:?} ok={}",
        big.len(),
        t.elapsed(),
        d.is_ok()
    );
    let big: String = std::iter::repeat_n("The complaint\n", 100_000).collect();
    let t = std::time::Instant::now();
    let d = parse(&format!("X (23 018 551)\n{big}"), "p");
    eprintln!("headings: {:?} ok={}", t.elapsed(), d.is_ok());
}

// Section spans ---------------------------------------------------------------

/// The words of `text` as the exact tokenizer cuts them.
fn words(text: &str) -> Vec<String> {
    let mut analyzer = crate::tokenizer::exact();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// The words of a section's spans, without what the items leave out: list
/// markers and `Back to top` lines.
fn span_words(d: &Decision, section: crate::decision::Spanned) -> Vec<String> {
    let mut out = Vec::new();
    for span in d.spans.iter().filter(|s| s.section == section) {
        for line in d.full_text[span.start..span.end].lines() {
            let text = line.trim();
            if text.eq_ignore_ascii_case("back to top") {
                continue;
            }
            let body = items::strip_marker(text).unwrap_or(text);
            out.extend(words(body));
        }
    }
    out
}

#[test]
fn section_spans_hold_exactly_the_words_of_their_sections() {
    use crate::decision::Spanned;
    for (name, text) in ALL {
        let d = ok(text);
        for (section, field) in [
            (Spanned::Complaint, &d.complaint),
            (Spanned::Reasons, &d.reasons),
            (Spanned::FinalDecision, &d.final_decision),
        ] {
            let expected = field.as_deref().map(words).unwrap_or_default();
            assert_eq!(span_words(&d, section), expected, "{name} {section:?}");
        }
        // The summary's span is its line, which may also hold its label
        // (`Summary:`) and the final-decision line's.
        let summary = d.summary.as_deref().map(words).unwrap_or_default();
        let line = span_words(&d, Spanned::Summary);
        assert_eq!(summary.is_empty(), line.is_empty(), "{name}");
        assert!(
            summary.is_empty() || line.windows(summary.len()).any(|w| w == summary),
            "{name}: {line:?} {summary:?}"
        );
        for span in &d.spans {
            assert!(
                span.start < span.end && span.end <= d.full_text.len(),
                "{name}"
            );
        }
        assert!(
            d.reasons.is_none() || d.spans.iter().any(|s| s.section == Spanned::Reasons),
            "{name}"
        );
    }
}
