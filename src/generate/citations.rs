//! Every statutory citation form of FORMAT.md §7, as the generator writes
//! it, with the keys `crate::citation::extract` gives for it. The writer
//! records which forms each decision uses, so tests can check every form
//! appears and is read back.

/// One way of writing a citation.
#[derive(Debug, Clone, Copy)]
pub struct Form {
    /// A short stable name for reports and tests.
    pub name: &'static str,
    /// The text as written (a parenthesis, or a running-text phrase).
    pub text: &'static str,
    /// The normalised keys it yields.
    pub keys: &'static [&'static str],
}

macro_rules! lga {
    ($($k:literal),*) => { &[$(concat!("Local Government Act 1974 ", $k)),*] };
}

/// Every form, by index (see the `f` constants).
pub const FORMS: &[Form] = &[
    Form {
        name: "24A(6) + 34(B)",
        text: "(Local Government Act 1974, section 24A(6), as amended, section 34(B))",
        keys: lga!("s.24A(6)", "s.34B"),
    },
    Form {
        name: "24A(6) as amended",
        text: "(Local Government Act 1974, section 24A(6), as amended)",
        keys: lga!("s.24A(6)"),
    },
    Form {
        name: "24A(6)",
        text: "(Local Government Act 1974, section 24A(6))",
        keys: lga!("s.24A(6)"),
    },
    Form {
        name: "24A(7)",
        text: "(Local Government Act 1974, section 24A(7), as amended)",
        keys: lga!("s.24A(7)"),
    },
    Form {
        name: "24A(6) and 34B(8)",
        text: "(Local Government Act 1974, sections 24A(6) and 34B(8), as amended)",
        keys: lga!("s.24A(6)", "s.34B(8)"),
    },
    Form {
        name: "24A(6) and 34B(8) + 34(B)",
        text: "(Local Government Act 1974, sections 24A(6) and 34B(8), as amended, section 34(B))",
        keys: lga!("s.24A(6)", "s.34B(8)", "s.34B"),
    },
    Form {
        name: "26(1) and 26A(1)",
        text: "(Local Government Act 1974, sections 26(1) and 26A(1), as amended)",
        keys: lga!("s.26(1)", "s.26A(1)"),
    },
    Form {
        name: "s26(1) and s26A(1)",
        text: "(Local Government Act 1974, s26(1) and s26A(1) as amended)",
        keys: lga!("s.26(1)", "s.26A(1)"),
    },
    Form {
        name: "30(1B) and 34H(i)",
        text: "(Local Government Act 1974, section 30(1B) and 34H(i), as amended)",
        keys: lga!("s.30(1B)", "s.34H(i)"),
    },
    Form {
        name: "34(3)",
        text: "(Local Government Act 1974, section 34(3), as amended)",
        keys: lga!("s.34(3)"),
    },
    Form {
        name: "26(6)(a)",
        text: "(Local Government Act 1974, section 26(6)(a), as amended)",
        keys: lga!("s.26(6)(a)"),
    },
    Form {
        name: "26(6)(c)",
        text: "(Local Government Act 1974, section 26(6)(c), as amended)",
        keys: lga!("s.26(6)(c)"),
    },
    Form {
        name: "26(7)",
        text: "(Local Government Act 1974, section 26(7), as amended)",
        keys: lga!("s.26(7)"),
    },
    Form {
        name: "26(5) + 34(B)6",
        text: "(Local Government Act 1974, section 26(5), section 34(B)6)",
        keys: lga!("s.26(5)", "s.34B(6)"),
    },
    Form {
        name: "26B and 34D",
        text: "(Local Government Act 1974, sections 26B and 34D, as amended)",
        keys: lga!("s.26B", "s.34D"),
    },
    Form {
        name: "34B and 34C",
        text: "(Local Government Act 1974, sections 34B and 34C)",
        keys: lga!("s.34B", "s.34C"),
    },
    Form {
        name: "34H(4)",
        text: "(Local Government Act 1974, section 34H(4))",
        keys: lga!("s.34H(4)"),
    },
    Form {
        name: "34B, 34C and 34H(3 and 4)",
        text: "(Local Government Act 1974, sections 34B, 34C and 34H(3 and 4) as amended)",
        keys: lga!("s.34B", "s.34C", "s.34H(3)", "s.34H(4)"),
    },
    Form {
        name: "Sch.5 para.5(2)",
        text: "(Local Government Act 1974, Schedule 5, paragraph 5(2), as amended)",
        keys: lga!("Sch.5 para.5(2)"),
    },
    Form {
        name: "para.5A Sch.5",
        text: "(Local Government Act 1974, paragraph 5A schedule 5, as amended)",
        keys: lga!("Sch.5 para.5A"),
    },
    Form {
        name: "Sch.5/5A para.1/3",
        text: "(Local Government Act 1974, Schedule 5/5A, paragraph 1/3, as amended)",
        keys: lga!("Sch.5 para.1", "Sch.5A para.3"),
    },
    Form {
        name: "33ZA + HSCA 1993",
        text: "(Local Government Act 1974, section 33ZA,as amended, and Health Service Commissioners Act 1993, section 18ZA)",
        keys: &[
            "Local Government Act 1974 s.33ZA",
            "Health Service Commissioners Act 1993 s.18ZA",
        ],
    },
    Form {
        name: "Part 3A running",
        text: "Part 3A of the Local Government Act",
        keys: lga!("Pt.3A"),
    },
    Form {
        name: "Housing Act 1996 s.202",
        text: "s.202 of the Housing Act 1996",
        keys: &["Housing Act 1996 s.202"],
    },
    Form {
        name: "Highways Act 1980 s.41",
        text: "Section 41 of the Highways Act 1980",
        keys: &["Highways Act 1980 s.41"],
    },
    Form {
        name: "ASB Act 2014 s.2",
        text: "section 2 of the Anti-social Behaviour, Crime and Policing Act 2014",
        keys: &["Anti-social Behaviour, Crime and Policing Act 2014 s.2"],
    },
    Form {
        name: "Children Act 1989",
        text: "Children Act 1989 complaints procedure",
        keys: &["Children Act 1989"],
    },
    Form {
        name: "section 21 notice",
        text: "section 21 notice",
        keys: &["s.21"],
    },
    Form {
        name: "section 17 assessment",
        text: "section 17 assessment",
        keys: &["s.17"],
    },
    Form {
        name: "section 106 agreement",
        text: "section 106 agreement",
        keys: &["s.106"],
    },
    Form {
        name: "unclosed bracket",
        text: "(Local Government Act 1974, section 24A(6), as amended.",
        keys: lga!("s.24A(6)"),
    },
    Form {
        name: "no space before bracket",
        text: "(Local Government Act 1974, sections 26(1) and 26A(1), as amended)",
        keys: lga!("s.26(1)", "s.26A(1)"),
    },
    Form {
        name: "citation paragraph",
        text: "(Local Government Act 1974, section 24A(6), as amended)",
        keys: lga!("s.24A(6)"),
    },
];

/// Indices into [`FORMS`].
#[allow(dead_code)]
pub mod f {
    pub const S24A6_34B: usize = 0;
    pub const S24A6_AMENDED: usize = 1;
    pub const S24A6: usize = 2;
    pub const S24A7: usize = 3;
    pub const S24A6_34B8: usize = 4;
    pub const S24A6_34B8_34B: usize = 5;
    pub const S26_1_26A_1: usize = 6;
    pub const S26_1_26A_1_SHORT: usize = 7;
    pub const S30_1B_34H_I: usize = 8;
    pub const S34_3: usize = 9;
    pub const S26_6_A: usize = 10;
    pub const S26_6_C: usize = 11;
    pub const S26_7: usize = 12;
    pub const S26_5_34B6: usize = 13;
    pub const S26B_34D: usize = 14;
    pub const S34B_34C: usize = 15;
    pub const S34H_4: usize = 16;
    pub const S34B_34C_34H34: usize = 17;
    pub const SCH5_PARA5_2: usize = 18;
    pub const PARA5A_SCH5: usize = 19;
    pub const SCH5_5A: usize = 20;
    pub const S33ZA: usize = 21;
    pub const PART_3A: usize = 22;
    pub const HOUSING_202: usize = 23;
    pub const HIGHWAYS_41: usize = 24;
    pub const ASB_2: usize = 25;
    pub const CHILDREN_ACT: usize = 26;
    pub const SECTION_21: usize = 27;
    pub const SECTION_17: usize = 28;
    pub const SECTION_106: usize = 29;
    pub const UNCLOSED: usize = 30;
    pub const NO_SPACE: usize = 31;
    pub const OWN_PARAGRAPH: usize = 32;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_reads_back_to_its_keys() {
        for form in FORMS {
            let text = format!("- We said so. {} here.", form.text);
            let got: Vec<String> = crate::citation::extract(&text)
                .into_iter()
                .map(|c| c.key)
                .collect();
            assert_eq!(got, form.keys, "{}: {}", form.name, form.text);
        }
    }
}
