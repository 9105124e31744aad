//! The facts of one synthetic decision, drawn before any text: body,
//! reference, category, outcome, dates, complainant, size and the planted
//! benchmark phrases. Frequencies follow the published decisions
//! (FORMAT.md §3–§4): outcomes about 45% Upheld, 40% Closed after initial
//! enquiries, 15% Not upheld; categories skewed towards Education, Adult
//! care, Housing, Planning and Children's care.

use super::names::{self, Kind};
use super::phrases::{CLOSED_SHARE, PLANTING, UPHELD_SHARE};
use super::rng::{Rng, permute_million};
use crate::decision::Outcome;
use jiff::civil::{Date, Weekday};

/// One sub-category: label, weight within its top level, the bodies that
/// can be complained about, and what the complaint is about.
#[derive(Debug)]
pub struct Sub {
    pub label: &'static str,
    pub weight: u32,
    /// Body kinds with weights.
    pub bodies: &'static [(Kind, u32)],
    /// Noun phrases: `"{P} complains about <topic>"`.
    pub topics: &'static [&'static str],
}

/// A top-level category with its weight (percent of decisions).
#[derive(Debug)]
pub struct Top {
    pub label: &'static str,
    pub weight: u32,
    pub subs: &'static [Sub],
}

const UPPER: &[(Kind, u32)] = &[(Kind::County, 40), (Kind::AllPurpose, 60)];
const LOWER: &[(Kind, u32)] = &[(Kind::District, 55), (Kind::AllPurpose, 45)];
const ANY: &[(Kind, u32)] = &[
    (Kind::County, 20),
    (Kind::District, 35),
    (Kind::AllPurpose, 45),
];

/// The category tree (FORMAT.md §4), with realistic weights.
pub const CATEGORIES: &[Top] = &[
    Top {
        label: "Education",
        weight: 18,
        subs: &[
            Sub {
                label: "Special educational needs",
                weight: 50,
                bodies: UPPER,
                topics: &[
                    "delays in issuing an Education, Health and Care Plan for {his} son, {C}",
                    "{Bs} failure to secure the special educational provision in {his} daughter’s EHC plan",
                    "the handling of {his} child’s annual review",
                    "{Bs} delay in completing an EHC needs assessment for {C}",
                ],
            },
            Sub {
                label: "School admissions",
                weight: 20,
                bodies: &[
                    (Kind::County, 30),
                    (Kind::AllPurpose, 40),
                    (Kind::School, 30),
                ],
                topics: &[
                    "the way an admission appeal panel considered {his} appeal for a place at a secondary school",
                    "the refusal of a place for {his} son at {his} preferred primary school",
                    "the handling of an in-year admission application for {C}",
                ],
            },
            Sub {
                label: "School transport",
                weight: 18,
                bodies: UPPER,
                topics: &[
                    "{Bs} decision to refuse free school transport for {his} child",
                    "the way {B} considered {his} school transport appeal",
                    "the cancellation of {Ps} son’s taxi to school",
                ],
            },
            Sub {
                label: "Alternative provision",
                weight: 12,
                bodies: UPPER,
                topics: &[
                    "{Bs} failure to provide suitable education for {C} while {C} was out of school",
                    "the education arranged for {his} daughter after she was excluded",
                ],
            },
        ],
    },
    Top {
        label: "Adult care services",
        weight: 17,
        subs: &[
            Sub {
                label: "Assessment and care plan",
                weight: 30,
                bodies: UPPER,
                topics: &[
                    "{Bs} assessment of {his} mother’s care needs",
                    "delays in reviewing {his} care and support plan",
                    "the reduction of {his} care package after a review",
                ],
            },
            Sub {
                label: "Charging",
                weight: 20,
                bodies: UPPER,
                topics: &[
                    "{Bs} financial assessment and the charges for {his} care",
                    "invoices for {his} late father’s residential care",
                    "{Bs} decision that {he} deprived {him}self of assets",
                ],
            },
            Sub {
                label: "Residential care",
                weight: 20,
                bodies: &[
                    (Kind::County, 25),
                    (Kind::AllPurpose, 35),
                    (Kind::CareProvider, 40),
                ],
                topics: &[
                    "the care {his} mother received at a care home",
                    "the notice given to end {his} father’s placement at a care home",
                    "the way a care home managed {his} aunt’s medication",
                ],
            },
            Sub {
                label: "Safeguarding",
                weight: 12,
                bodies: UPPER,
                topics: &[
                    "{Bs} safeguarding enquiry into the care of {his} brother",
                    "the way {B} responded to concerns about {his} mother’s safety",
                ],
            },
            Sub {
                label: "Direct payments",
                weight: 10,
                bodies: UPPER,
                topics: &[
                    "{Bs} decision to recover unspent direct payments",
                    "the support given to manage {his} direct payments",
                ],
            },
            Sub {
                label: "Disabled facilities grants",
                weight: 8,
                bodies: LOWER,
                topics: &[
                    "delays in dealing with {his} application for a disabled facilities grant",
                    "the adaptations made to {his} home under a disabled facilities grant",
                ],
            },
        ],
    },
    Top {
        label: "Housing",
        weight: 14,
        subs: &[
            Sub {
                label: "Homelessness",
                weight: 40,
                bodies: LOWER,
                topics: &[
                    "the way {B} dealt with {his} homelessness application",
                    "the suitability of the temporary accommodation {B} provided",
                    "{Bs} decision that {he} {was} intentionally homeless",
                ],
            },
            Sub {
                label: "Allocations",
                weight: 35,
                bodies: LOWER,
                topics: &[
                    "{Bs} decision on {his} housing register application",
                    "the banding {B} gave {his} housing application",
                    "{Bs} refusal to backdate {his} priority on the housing register",
                ],
            },
            Sub {
                label: "Council house repairs",
                weight: 15,
                bodies: LOWER,
                topics: &[
                    "delays in repairing damp and mould in {his} council flat",
                    "{Bs} handling of repairs to the roof of {his} home",
                ],
            },
            Sub {
                label: "Other",
                weight: 10,
                bodies: LOWER,
                topics: &[
                    "{Bs} handling of {his} right to buy application",
                    "the way {B} dealt with {his} report about a private landlord",
                ],
            },
        ],
    },
    Top {
        label: "Planning",
        weight: 11,
        subs: &[
            Sub {
                label: "Planning applications",
                weight: 60,
                bodies: LOWER,
                topics: &[
                    "{Bs} decision to grant planning permission for an extension next door",
                    "the way {B} considered {his} planning application",
                    "{Bs} approval of a housing development near {his} home",
                ],
            },
            Sub {
                label: "Enforcement",
                weight: 25,
                bodies: LOWER,
                topics: &[
                    "{Bs} failure to take enforcement action against a neighbour’s building works",
                    "{Bs} decision not to take action about a breach of planning control",
                ],
            },
            Sub {
                label: "Other",
                weight: 15,
                bodies: LOWER,
                topics: &[
                    "{Bs} handling of a tree preservation order",
                    "the way {B} dealt with a pre-application enquiry",
                ],
            },
        ],
    },
    Top {
        label: "Children's care services",
        weight: 11,
        subs: &[
            Sub {
                label: "Child protection",
                weight: 30,
                bodies: UPPER,
                topics: &[
                    "{Bs} child protection enquiries about {his} children",
                    "the accuracy of a child protection conference report",
                ],
            },
            Sub {
                label: "Other",
                weight: 25,
                bodies: UPPER,
                topics: &[
                    "children’s services’ actions around an assessment report",
                    "{Bs} handling of {his} complaint under the statutory children’s procedure",
                ],
            },
            Sub {
                label: "Looked after children",
                weight: 20,
                bodies: UPPER,
                topics: &[
                    "the support {B} gave {his} grandson, {C}, while {C} was in care",
                    "{Bs} decision to stop {his} allowance as a special guardian",
                ],
            },
            Sub {
                label: "Disabled children",
                weight: 15,
                bodies: UPPER,
                topics: &[
                    "the short breaks {B} provides for {his} disabled son",
                    "delays in assessing the needs of {his} disabled daughter",
                ],
            },
            Sub {
                label: "Adoption",
                weight: 10,
                bodies: UPPER,
                topics: &["{Bs} decision about adoption support for {his} family"],
            },
        ],
    },
    Top {
        label: "Benefits and tax",
        weight: 8,
        subs: &[
            Sub {
                label: "Council tax",
                weight: 60,
                bodies: LOWER,
                topics: &[
                    "{Bs} recovery of council tax arrears",
                    "{Bs} refusal of a council tax discount",
                    "the use of enforcement agents to recover council tax",
                ],
            },
            Sub {
                label: "Housing benefit and council tax benefit",
                weight: 35,
                bodies: LOWER,
                topics: &[
                    "{Bs} decision that {he} {was} overpaid housing benefit",
                    "delays in dealing with {his} housing benefit claim",
                ],
            },
            Sub {
                label: "COVID-19",
                weight: 5,
                bodies: LOWER,
                topics: &["{Bs} refusal of a business support grant during the COVID-19 pandemic"],
            },
        ],
    },
    Top {
        label: "Environment and regulation",
        weight: 8,
        subs: &[
            Sub {
                label: "Noise",
                weight: 35,
                bodies: LOWER,
                topics: &[
                    "{Bs} response to {his} reports of noise from a neighbouring business",
                    "the way {B} investigated noise from a neighbour’s flat",
                ],
            },
            Sub {
                label: "Antisocial behaviour",
                weight: 35,
                bodies: LOWER,
                topics: &[
                    "{Bs} response to antisocial behaviour by a neighbour",
                    "{Bs} refusal to hold an antisocial behaviour case review",
                ],
            },
            Sub {
                label: "Refuse and recycling",
                weight: 30,
                bodies: LOWER,
                topics: &[
                    "repeated missed bin collections at {his} home",
                    "{Bs} refusal of an assisted bin collection",
                ],
            },
        ],
    },
    Top {
        label: "Transport and highways",
        weight: 8,
        subs: &[
            Sub {
                label: "Highway repair and maintenance",
                weight: 50,
                bodies: UPPER,
                topics: &[
                    "{Bs} failure to repair a damaged footway near {his} home",
                    "{Bs} rejection of {his} claim for damage caused by a pothole",
                ],
            },
            Sub {
                label: "Parking and other penalties",
                weight: 50,
                bodies: &[
                    (Kind::AllPurpose, 80),
                    (Kind::Transport, 10),
                    (Kind::District, 10),
                ],
                topics: &[
                    "a penalty charge notice {B} issued for {his} car",
                    "{Bs} refusal of a resident’s parking permit",
                ],
            },
        ],
    },
    Top {
        label: "Other Categories",
        weight: 3,
        subs: &[Sub {
            label: "Land",
            weight: 100,
            bodies: ANY,
            topics: &[
                "{Bs} management of land next to {his} home",
                "{Bs} refusal to sell {him} a strip of land",
            ],
        }],
    },
    Top {
        label: "Health",
        weight: 2,
        subs: &[
            Sub {
                label: "Hospital acute services",
                weight: 50,
                bodies: UPPER,
                topics: &["the discharge of {his} father from hospital without the care he needed"],
            },
            Sub {
                label: "Other",
                weight: 50,
                bodies: UPPER,
                topics: &[
                    "the aftercare provided to {his} brother under section 117 of the Mental Health Act 1983",
                ],
            },
        ],
    },
];

/// How the complainant is named and referred to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person {
    /// `Mrs X`, `Mr and Mrs X`, `Mx A`.
    pub name: &'static str,
    /// Subject pronoun: he, she, they.
    pub he: &'static str,
    /// Object pronoun: him, her, them.
    pub him: &'static str,
    /// Possessive: his, her, their.
    pub his: &'static str,
    /// Takes plural verbs (`they complain`).
    pub plural: bool,
    /// The letter used (children get other letters).
    pub letter: char,
}

const PEOPLE: &[(Person, u32)] = &[
    (
        Person {
            name: "Mrs X",
            he: "she",
            him: "her",
            his: "her",
            plural: false,
            letter: 'X',
        },
        30,
    ),
    (
        Person {
            name: "Mr X",
            he: "he",
            him: "him",
            his: "his",
            plural: false,
            letter: 'X',
        },
        28,
    ),
    (
        Person {
            name: "Ms X",
            he: "she",
            him: "her",
            his: "her",
            plural: false,
            letter: 'X',
        },
        22,
    ),
    (
        Person {
            name: "Miss X",
            he: "she",
            him: "her",
            his: "her",
            plural: false,
            letter: 'X',
        },
        8,
    ),
    (
        Person {
            name: "Mr and Mrs X",
            he: "they",
            him: "them",
            his: "their",
            plural: true,
            letter: 'X',
        },
        8,
    ),
    (
        Person {
            name: "Mx A",
            he: "they",
            him: "them",
            his: "their",
            plural: true,
            letter: 'A',
        },
        2,
    ),
    (
        Person {
            name: "Dr B",
            he: "she",
            him: "her",
            his: "her",
            plural: false,
            letter: 'B',
        },
        2,
    ),
];

/// The layout a decision is written in (FORMAT.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Plain text: bare headings, `- ` paragraphs, no blank lines.
    Plain,
    /// Web page: blank lines, `  1.` numbering, bullets, `Back to top`.
    Page,
}

/// Everything decided about a decision before its text is written.
#[derive(Debug, Clone)]
pub struct Facts {
    pub authority: &'static str,
    pub kind: Kind,
    pub case_ref: String,
    pub top: &'static Top,
    pub sub: &'static Sub,
    pub outcome: Outcome,
    pub date: Date,
    /// Year the complaint reached the Ombudsman.
    pub received: i16,
    pub person: Person,
    /// Letters for children or relatives (`Y`, `C`).
    pub child: char,
    /// A joint case with a health body (`16 010 636c`).
    pub joint: bool,
    /// An upheld decision reached without investigation (2024 onwards):
    /// short, with `My assessment`.
    pub early_resolution: bool,
    /// The planted benchmark phrases, one bit per `PHRASES` entry.
    pub phrases: u32,
    /// Approximate size of the text, in bytes.
    pub target: usize,
    pub form: Form,
}

impl Facts {
    /// Closed decisions and early resolutions: short, `My assessment`.
    pub fn is_short(&self) -> bool {
        self.outcome == Outcome::ClosedAfterInitialEnquiries || self.early_resolution
    }

    /// Phrase `i` of `PHRASES` is planted.
    pub fn has(&self, i: usize) -> bool {
        self.phrases & (1 << i) != 0
    }
}

/// Draws the facts of decision `index` of corpus `seed`. `page_share` is
/// the probability of the web-page layout.
pub fn draw(seed: u64, index: u64, rng: &mut Rng, page_share: f64) -> Facts {
    let top = pick_top(rng);
    let sub = pick_sub(rng, top);
    let kind = *rng.weighted(sub.bodies);
    let authority = names::pick(rng, kind);
    let u = rng.unit();
    let outcome = if u < UPHELD_SHARE {
        Outcome::Upheld
    } else if u < UPHELD_SHARE + CLOSED_SHARE {
        Outcome::ClosedAfterInitialEnquiries
    } else {
        Outcome::NotUpheld
    };
    let date = decision_date(rng);
    let back = *rng.weighted(&[(0i16, 25), (1, 60), (2, 15)]);
    let received = date.year() - back;
    let joint = top.label == "Health" && rng.chance(0.7)
        || top.label == "Adult care services" && kind != Kind::CareProvider && rng.chance(0.02);
    let case_ref = case_ref(
        seed,
        index,
        received,
        joint.then(|| *rng.pick(&['a', 'b', 'c'])),
    );
    let person = *rng.weighted(PEOPLE);
    let child = *rng.pick(&['Y', 'Z', 'C', 'D', 'J']);
    let early_resolution = outcome == Outcome::Upheld && date.year() >= 2024 && rng.chance(0.3);
    let mut phrases = 0u32;
    for (i, p) in PLANTING.iter().enumerate() {
        if rng.chance(p.probability(&outcome)) {
            phrases |= 1 << i;
        }
    }
    let short = outcome == Outcome::ClosedAfterInitialEnquiries || early_resolution;
    let target = size_target(rng, short);
    let form = if rng.chance(page_share) {
        Form::Page
    } else {
        Form::Plain
    };
    Facts {
        authority,
        kind,
        case_ref,
        top,
        sub,
        outcome,
        date,
        received,
        person,
        child,
        joint,
        early_resolution,
        phrases,
        target,
        form,
    }
}

fn pick_top(rng: &mut Rng) -> &'static Top {
    let total: u32 = CATEGORIES.iter().map(|t| t.weight).sum();
    let mut r = rng.below(total as usize) as u32;
    for t in CATEGORIES {
        if r < t.weight {
            return t;
        }
        r -= t.weight;
    }
    &CATEGORIES[0]
}

fn pick_sub(rng: &mut Rng, top: &'static Top) -> &'static Sub {
    let total: u32 = top.subs.iter().map(|s| s.weight).sum();
    let mut r = rng.below(total as usize) as u32;
    for s in top.subs {
        if r < s.weight {
            return s;
        }
        r -= s.weight;
    }
    &top.subs[0]
}

/// A working day from 2013 to 2025, later years a little more common.
fn decision_date(rng: &mut Rng) -> Date {
    let year = *rng.weighted(&[
        (2013i16, 6),
        (2014, 7),
        (2015, 7),
        (2016, 7),
        (2017, 8),
        (2018, 8),
        (2019, 8),
        (2020, 7),
        (2021, 8),
        (2022, 8),
        (2023, 9),
        (2024, 9),
        (2025, 8),
    ]);
    let start = jiff::civil::date(year, 1, 1);
    let days = if year % 4 == 0 { 366 } else { 365 };
    let offset = rng.below(days) as i64;
    let mut d = start
        .checked_add(jiff::Span::new().days(offset))
        .unwrap_or(start);
    // Decisions are issued on working days: move weekends to Friday/Monday.
    let shift = match d.weekday() {
        Weekday::Saturday => -1,
        Weekday::Sunday => 1,
        _ => 0,
    };
    if shift != 0 {
        let moved = d.checked_add(jiff::Span::new().days(shift)).unwrap_or(d);
        if moved.year() == year {
            d = moved;
        }
    }
    d
}

/// `YY NNN NNN[x]`: the received year, then a serial number unique within
/// the corpus for the first million decisions (a keyed permutation of the
/// index), so no two decisions share a reference whatever the thread count.
fn case_ref(seed: u64, index: u64, received: i16, suffix: Option<char>) -> String {
    let serial = permute_million(seed, index);
    let mut s = format!(
        "{:02} {:03} {:03}",
        received.rem_euclid(100),
        serial / 1000,
        serial % 1000
    );
    if let Some(c) = suffix {
        s.push(c);
    }
    s
}

/// Byte size to aim for: short decisions 1.6–3.9 KB; investigations
/// log-normal (median about 11 KB) with a heavier tail, capped at 36 KB so
/// the page layout stays under 40 KB.
fn size_target(rng: &mut Rng, short: bool) -> usize {
    if short {
        let t = (rng.unit() + rng.unit()) / 2.0;
        return 1_700 + (t * 2_100.0) as usize;
    }
    let mut kb = 11.0 * (0.5 * rng.normal()).exp();
    if rng.chance(0.03) {
        kb *= 1.5 + rng.unit();
    }
    ((kb * 1_000.0) as usize).clamp(4_300, 36_000)
}
