//! Tests for citation extraction: FORMAT.md §7 forms, §11 item 9, the seed
//! decision and properties on arbitrary input.

use super::*;
use proptest::prelude::*;

const SEED: &str = include_str!("../../tests/fixtures/citation/seed.txt");
const LGA: &str = "Local Government Act 1974";

fn keys(text: &str) -> Vec<String> {
    extract(text).into_iter().map(|c| c.key).collect()
}

fn lga(provisions: &[&str]) -> Vec<String> {
    provisions.iter().map(|p| format!("{LGA} {p}")).collect()
}

/// Every citation's raw span is where it says it is.
fn assert_spans(text: &str) {
    for c in extract(text) {
        assert_eq!(&text[c.start..c.end], c.raw, "{c:?}");
    }
}

// ---- FORMAT.md §11 item 9 -------------------------------------------------

#[test]
fn as_amended_then_typo_section() {
    let text = "outcome. (Local Government Act 1974, section 24A(6), as amended, section 34(B))";
    assert_eq!(keys(text), lga(&["s.24A(6)", "s.34B"]));
}

#[test]
fn sections_list_gives_two_then_typo() {
    let text = "(Local Government Act 1974, sections 24A(6) and 34B(8), as amended, section 34(B))";
    assert_eq!(keys(text), lga(&["s.24A(6)", "s.34B(8)", "s.34B"]));
    let text = "(Local Government Act 1974, sections 24A(6) and 34B(8), as amended)";
    assert_eq!(keys(text), lga(&["s.24A(6)", "s.34B(8)"]));
}

#[test]
fn singular_section_with_two_items() {
    let text = "(Local Government Act 1974, section 30(1B) and 34H(i), as amended)";
    assert_eq!(keys(text), lga(&["s.30(1B)", "s.34H(i)"]));
}

#[test]
fn bracketed_and_expands() {
    let text = "(Local Government Act 1974, section 34H(3 and 4))";
    assert_eq!(keys(text), lga(&["s.34H(3)", "s.34H(4)"]));
    let text = "(Local Government Act 1974, sections 34B, 34C and 34H(3 and 4) as amended)";
    assert_eq!(keys(text), lga(&["s.34B", "s.34C", "s.34H(3)", "s.34H(4)"]));
}

#[test]
fn s_without_dot_repeated() {
    let text = "(Local Government Act 1974, s26(1) and s26A(1) as amended)";
    assert_eq!(keys(text), lga(&["s.26(1)", "s.26A(1)"]));
}

#[test]
fn sections_and_as_amended() {
    let text = "(Local Government Act 1974, sections 26(1) and 26A(1), as amended)";
    assert_eq!(keys(text), lga(&["s.26(1)", "s.26A(1)"]));
}

#[test]
fn schedule_slash_lists_pair_up() {
    let text = "(Local Government Act 1974, Schedule 5/5A, paragraph 1/3, as amended)";
    assert_eq!(keys(text), lga(&["Sch.5 para.1", "Sch.5A para.3"]));
}

#[test]
fn schedule_then_paragraph_and_reverse() {
    let text = "(Local Government Act 1974, Schedule 5, paragraph 5(2), as amended)";
    assert_eq!(keys(text), lga(&["Sch.5 para.5(2)"]));
    let text = "(Local Government Act 1974, paragraph 5A schedule 5, as amended)";
    assert_eq!(keys(text), lga(&["Sch.5 para.5A"]));
}

#[test]
fn unclosed_bracket_parses() {
    let text = "- further investigation would not lead to a different outcome. \
                (Local Government Act 1974, section 24A(6), as amended.\n- Next paragraph.";
    let found = extract(text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key, format!("{LGA} s.24A(6)"));
    assert_eq!(
        found[0].raw,
        "(Local Government Act 1974, section 24A(6), as amended."
    );
    assert_spans(text);
}

#[test]
fn act_after_in_running_text() {
    let text = "The Council made a decision under s.202 of the Housing Act 1996 in May.";
    let found = extract(text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key, "Housing Act 1996 s.202");
    assert_eq!(found[0].act.as_deref(), Some("Housing Act 1996"));
    assert_eq!(found[0].raw, "s.202 of the Housing Act 1996");
}

#[test]
fn section_21_notice_gets_no_act() {
    let text = "The landlord served a section 21 notice on Mrs X in March.";
    let found = extract(text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key, "s.21");
    assert_eq!(found[0].act, None);
}

// ---- Other forms from FORMAT.md §7 -----------------------------------------

#[test]
fn lga_abbreviation() {
    assert_eq!(keys("See LGA 1974 s24A(6) for this."), lga(&["s.24A(6)"]));
}

#[test]
fn typo_letter_then_digit() {
    let text = "(Local Government Act 1974, section 26(5), section 34(B)6)";
    assert_eq!(keys(text), lga(&["s.26(5)", "s.34B(6)"]));
}

#[test]
fn lower_case_letters_are_subsections() {
    let text = "(Local Government Act 1974, section 26(6)(a), as amended)";
    assert_eq!(keys(text), lga(&["s.26(6)(a)"]));
}

#[test]
fn bracket_only_list_items() {
    let text = "Section 26(6)(a), (b) and (c) of the Local Government Act 1974 apply.";
    assert_eq!(keys(text), lga(&["s.26(6)(a)", "s.26(6)(b)", "s.26(6)(c)"]));
    assert_eq!(
        keys("(Local Government Act 1974, section 26(1) and (2))"),
        lga(&["s.26(1)", "s.26(2)"])
    );
}

#[test]
fn act_straight_after_provision() {
    assert_eq!(keys("See s.26B(2) LGA 1974."), lga(&["s.26B(2)"]));
}

#[test]
fn aliases_only_for_sections() {
    let found = extract("The SEND Regulations 2014, regulation 44(2) apply.");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key, "SEND Regulations 2014 reg.44(2)");
    assert!(found[0].aliases.is_empty());
}

#[test]
fn part_without_year_is_1974() {
    let text = "We cannot investigate under Part 3A of the Local Government Act.";
    let found = extract(text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key, format!("{LGA} Pt.3A"));
    assert_eq!(found[0].raw, "Part 3A of the Local Government Act");
}

#[test]
fn section_of_act_with_capital_s() {
    assert_eq!(
        keys("Section 41 of the Highways Act 1980 says the council must maintain roads."),
        ["Highways Act 1980 s.41"]
    );
}

#[test]
fn act_name_with_comma_and_hyphen() {
    assert_eq!(
        keys(
            "The Council used section 2 of the Anti-social Behaviour, Crime and Policing Act 2014."
        ),
        ["Anti-social Behaviour, Crime and Policing Act 2014 s.2"]
    );
}

#[test]
fn bare_acts_and_regulations() {
    let text = "The Care Act 2014 and the Children Act 1989 complaints procedure apply. \
                So does the Equality Act 2010. \
                The Care and Support (Charging and Assessment of Resources) Regulations 2014 set charges.";
    assert_eq!(
        keys(text),
        [
            "Care Act 2014",
            "Children Act 1989",
            "Equality Act 2010",
            "Care and Support (Charging and Assessment of Resources) Regulations 2014",
        ]
    );
    assert_spans(text);
}

#[test]
fn act_with_sections_gives_no_bare_key() {
    assert_eq!(
        keys("(Local Government Act 1974, section 26(1))"),
        lga(&["s.26(1)"])
    );
}

#[test]
fn each_bare_mention_counts() {
    let text = "The Care Act 2014 applies. The Care Act 2014 says so.";
    assert_eq!(keys(text), ["Care Act 2014", "Care Act 2014"]);
}

#[test]
fn bare_sections_without_act() {
    for (text, key) in [
        ("The Council completed a section 17 assessment.", "s.17"),
        (
            "It signed a section 106 agreement with the developer.",
            "s.106",
        ),
    ] {
        let found = extract(text);
        assert_eq!(found.len(), 1, "{text}");
        assert_eq!(found[0].key, key);
        assert_eq!(found[0].act, None);
    }
}

#[test]
fn attributive_section_never_gets_lga_from_sentence() {
    let text = "The Local Government Act 1974 does not cover the section 21 notice.";
    assert_eq!(keys(text), ["Local Government Act 1974", "s.21"]);
}

#[test]
fn bare_section_takes_act_of_sentence() {
    let text = "Under the Care Act 2014 the Council must meet needs; section 18 sets this out.";
    assert_eq!(keys(text), ["Care Act 2014 s.18"]);
}

#[test]
fn bare_section_takes_act_of_parenthesis() {
    let text = "The Council must act (Children Act 1989, section 20).";
    assert_eq!(keys(text), ["Children Act 1989 s.20"]);
}

#[test]
fn no_space_before_bracket() {
    let text = "We will not start an investigation.(Local Government Act 1974, section 24A(6))";
    let found = extract(text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].raw, "(Local Government Act 1974, section 24A(6))");
    assert_spans(text);
}

#[test]
fn missing_space_after_comma_and_another_act() {
    let text = "(Local Government Act 1974, section 33ZA,as amended, and Care Act 2014)";
    assert_eq!(keys(text), [&format!("{LGA} s.33ZA"), "Care Act 2014"]);
}

#[test]
fn citation_paragraph_standing_alone_after_bullets() {
    let text = "We do not investigate if:\n- we could not add anything; or\n\
                - it would not change the outcome.\n\
                (Local Government Act 1974, section 24A(6), as amended)\nNext";
    let found = extract(text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key, format!("{LGA} s.24A(6)"));
    assert_spans(text);
}

#[test]
fn curly_apostrophe_nbsp_and_crlf() {
    let text =
        "Ms X\u{2019}s complaint.\r\n(Local\u{a0}Government Act 1974, section\u{a0}26(1))\r\n";
    assert_eq!(keys(text), lga(&["s.26(1)"]));
    let text = "The Children\u{2019}s Homes (England) Regulations 2015 apply.";
    assert_eq!(keys(text), ["Children's Homes (England) Regulations 2015"]);
    assert_spans(text);
}

#[test]
fn roman_and_arabic_are_aliases() {
    let found = extract("(Local Government Act 1974, section 30(1B) and 34H(i), as amended)");
    assert_eq!(found[1].aliases, [format!("{LGA} s.34H(1)")]);
    let found = extract("(Local Government Act 1974, section 34H(1))");
    assert_eq!(found[0].key, format!("{LGA} s.34H(1)"));
    assert_eq!(found[0].aliases, [format!("{LGA} s.34H(i)")]);
}

#[test]
fn citations_from_one_parenthesis_share_raw() {
    let text = "x (Local Government Act 1974, sections 24A(6) and 34B(8)) y";
    let found = extract(text);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].raw, found[1].raw);
    assert_eq!(found[0].start, 2);
    assert_spans(text);
}

#[test]
fn decision_paragraph_numbers_are_not_citations() {
    assert!(
        extract("We agreed the actions at paragraph 7 and Part 2 of the complaint.").is_empty()
    );
    assert!(extract("Ms X has 2 sons and paid £1,250 on 3 May 2024.").is_empty());
    assert!(extract("Mrs X’s 3 children.").is_empty());
}

#[test]
fn decimal_section_numbers_are_documents_not_statutes() {
    assert_eq!(
        keys("Section 3.4 of the policy and the Care Act 2014 say so."),
        ["Care Act 2014"]
    );
    assert!(extract("(Homelessness Code of Guidance, paragraph 15.3)").is_empty());
}

#[test]
fn leading_words_are_not_part_of_the_name() {
    assert_eq!(keys("Under Care Act 2014 rules."), ["Care Act 2014"]);
    assert_eq!(
        keys("Mr X, Equality Act 2010 claim."),
        ["Equality Act 2010"]
    );
    assert_eq!(
        keys("Care Act 2014 and Children Act 1989"),
        ["Care Act 2014", "Children Act 1989"]
    );
}

#[test]
fn act_referred_to_by_year() {
    let text = "The Housing Act 1996 applies. Section 202 of the 1996 Act gives a review.";
    assert_eq!(keys(text), ["Housing Act 1996", "Housing Act 1996 s.202"]);
}

#[test]
fn instrument_made_under_an_act() {
    let text = "See the Health and Social Care Act 2008 (Regulated Activities) Regulations 2014, regulation 12.";
    assert_eq!(
        keys(text),
        ["Health and Social Care Act 2008 (Regulated Activities) Regulations 2014 reg.12"]
    );
}

#[test]
fn section_part_of_keys() {
    assert_eq!(
        section_part("Local Government Act 1974 s.26(6)(a)"),
        Some("s.26(6)(a)")
    );
    assert_eq!(
        section_part("Local Government Act 1974 Sch.5 para.1"),
        Some("Sch.5 para.1")
    );
    assert_eq!(
        section_part("Local Government Act 1974 Pt.3A"),
        Some("Pt.3A")
    );
    assert_eq!(section_part("s.21"), Some("s.21"));
    assert_eq!(section_part("Care Act 2014"), None);
    assert_eq!(section_part(""), None);
}

// ---- The seed decision -------------------------------------------------------

#[test]
fn seed_citations() {
    let found = extract(SEED);
    let keys: Vec<&str> = found.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(
        keys,
        lga(&[
            "s.24A(6)", "s.34B", "s.24A(6)", "s.34B(8)", "s.34B", "s.24A(6)"
        ])
    );
    assert_eq!(
        found[0].raw,
        "(Local Government Act 1974, section 24A(6), as amended, section 34(B))"
    );
    assert_eq!(
        found[2].raw,
        "(Local Government Act 1974, sections 24A(6) and 34B(8), as amended, section 34(B))"
    );
    assert_eq!(
        found[5].raw,
        "(Local Government Act 1974, section 24A(6), as amended)"
    );
    assert!(found.iter().all(|c| c.act.as_deref() == Some(LGA)));
    assert_spans(SEED);
}

// ---- Properties ----------------------------------------------------------------

/// Text built from fragments of citations, so the properties reach the
/// parsing paths and not only the early exits.
fn citation_soup() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "(",
        ")",
        "Local Government Act",
        " 1974",
        ", ",
        "section ",
        "sections ",
        "s.",
        "s",
        "24A",
        "(6)",
        "(B)",
        "6",
        " and ",
        "as amended",
        "Schedule 5",
        "/5A",
        "paragraph ",
        "1/3",
        "Part ",
        "3A",
        " of the ",
        "Housing Act 1996",
        "LGA 1974 ",
        "’",
        "\u{a0}",
        "\u{2011}",
        "–",
        "\n",
        ". ",
        "The ",
        "Care Act 2014",
        "(3 and 4)",
        "(i)",
        "notice",
        "é",
        "x",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

fn check_invariants(text: &str) {
    for c in extract(text) {
        assert!(c.start <= c.end && c.end <= text.len());
        assert!(text.is_char_boundary(c.start) && text.is_char_boundary(c.end));
        assert_eq!(&text[c.start..c.end], c.raw);
        if let Some(act) = &c.act {
            assert!(c.key.starts_with(act.as_str()), "{c:?}");
            for alias in &c.aliases {
                assert!(alias.starts_with(act.as_str()), "{c:?}");
            }
        }
    }
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_strings(text in ".*") {
        check_invariants(&text);
    }

    #[test]
    fn invariants_hold_on_citation_like_text(text in citation_soup()) {
        check_invariants(&text);
    }

    #[test]
    fn section_part_never_panics(key in ".*") {
        let _ = section_part(&key);
    }
}

/// `(start, end, digit)` of each head [`provisions::heads`] finds, having
/// checked the kind it gives each by the head's first letters.
fn head_places(text: &str) -> Vec<(usize, usize, usize)> {
    provisions::heads(text)
        .map(|h| {
            let lower = text[h.start..h.end].to_ascii_lowercase();
            let kind = [
                ("part", provisions::Kind::Part),
                ("para", provisions::Kind::Paragraph),
                ("reg", provisions::Kind::Regulation),
                ("sch", provisions::Kind::Schedule),
            ]
            .into_iter()
            .find(|(prefix, _)| lower.starts_with(prefix))
            .map_or(provisions::Kind::Section, |(_, kind)| kind);
            assert_eq!(h.kind, kind, "{lower}");
            (h.start, h.end, h.digit)
        })
        .collect()
}

/// What [`provisions::heads`] stands in for: the regular expression it
/// documents, as `(start, head end, digit)` of each match.
fn heads_by_regex(text: &str) -> Vec<(usize, usize, usize)> {
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?-u:\b)(?P<head>[Ss]ections?|ss?\.|s|[Ss]chedules?|[Ss]ch\.?|[Pp]aragraphs?|[Pp]aras?\.?|[Pp]arts?|[Rr]egulations?|[Rr]egs?\.?)[ \t\u{a0}]*[0-9]",
        )
        .unwrap()
    });
    RE.captures_iter(text)
        .map(|c| {
            let (m, head) = (c.get(0).unwrap(), c.name("head").unwrap());
            (m.start(), head.end(), m.end() - 1)
        })
        .collect()
}

#[test]
fn heads_are_found_as_the_regular_expression_finds_them() {
    let text = "under section 24A(6), sections 34B and ss.5-7, s26 (s 3 is no head), \
                Sch. 5 para.1, Schedule\u{a0}2, paras 3, Part 3A, regs. 4, Regulation 9; \
                crossings 5, S.5, Ss.5, sS.6, xs.7, _s8, 9s9, és10, section.11, Para.12";
    let found = head_places(text);
    assert_eq!(found, heads_by_regex(text));
    assert!(found.len() >= 14, "{found:?}");
}

proptest! {
    #[test]
    fn heads_agree_with_the_regular_expression(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("s"), Just("S"), Just("ss"), Just("."), Just("section"), Just("Sections"),
                Just("sch"), Just("Schedule"), Just("schedules"), Just("para"), Just("Paras"),
                Just("paragraph"), Just("Part"), Just("parts"), Just("reg"), Just("Regs"),
                Just("regulation"), Just(" "), Just("\t"), Just("\u{a0}"), Just("1"), Just("42"),
                Just("x"), Just("_"), Just("é"), Just("-"), Just("("), Just("\n"),
            ],
            0..24,
        )
    ) {
        let text: String = parts.concat();
        let found = head_places(&text);
        prop_assert_eq!(found, heads_by_regex(&text));
    }
}
