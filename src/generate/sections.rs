//! The sections of a decision, in published order (FORMAT.md §2, §5, §6):
//! header, summary, `The complaint`, optional `What I have investigated`,
//! role and powers with the statutory citations (§7), `How I considered
//! this complaint`, then `My assessment` (closed decisions and early
//! resolutions, with the closure reasons of §9) or `What I found` with
//! subheadings, `Agreed action` with remedies and deadlines (§8),
//! `Final decision` and the closing line.

use super::citations::f;
use super::facts::Top;
use super::names::Kind;
use super::phrases::id;
use super::text::{Block, Fresh, Writer};
use super::vocab;
use crate::decision::Outcome;

/// The closing line (straight apostrophe, no full stop).
pub const CLOSING: &str = "Investigator's decision on behalf of the Ombudsman";

/// Reasons for closing a complaint after initial enquiries (FORMAT §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    NoFault,
    NotSignificant,
    CouldNotAdd,
    NoDifferentOutcome,
    CannotAchieve,
    ReviewAppeal,
    Tribunal,
    Court,
    Late,
    AllOrMost,
    DataProtection,
    HandlingAlone,
    Remedied,
    NotYetComplained,
    Excluded,
    Premature,
}

const REASONS: &[(Reason, u32)] = &[
    (Reason::NoFault, 22),
    (Reason::NotSignificant, 10),
    (Reason::CouldNotAdd, 8),
    (Reason::NoDifferentOutcome, 8),
    (Reason::CannotAchieve, 5),
    (Reason::ReviewAppeal, 5),
    (Reason::Tribunal, 9),
    (Reason::Court, 5),
    (Reason::Late, 8),
    (Reason::AllOrMost, 2),
    (Reason::DataProtection, 3),
    (Reason::HandlingAlone, 4),
    (Reason::Remedied, 4),
    (Reason::NotYetComplained, 4),
    (Reason::Excluded, 2),
    (Reason::Premature, 2),
];

impl Reason {
    /// The item in the "We do not start or continue an investigation if we
    /// decide:" list.
    fn bullet(self) -> &'static str {
        match self {
            Reason::NoFault => "there is not enough evidence of fault to justify investigating",
            Reason::NotSignificant => {
                "any injustice is not significant enough to justify our involvement"
            }
            Reason::CouldNotAdd => {
                "we could not add to any previous investigation by the organisation"
            }
            Reason::NoDifferentOutcome => {
                "further investigation would not lead to a different outcome"
            }
            Reason::CannotAchieve => "we cannot achieve the outcome someone wants",
            Reason::ReviewAppeal => {
                "it would be reasonable for the person to ask for a council review or appeal"
            }
            Reason::Tribunal | Reason::Court => {
                "there is another body better placed to consider this complaint"
            }
            Reason::Late => {
                "the complaint was made more than twelve months after the person knew about the matter"
            }
            Reason::AllOrMost => {
                "the complaint is about something that affects all or most people in the area"
            }
            Reason::DataProtection => {
                "the Information Commissioner’s Office would be a more suitable route"
            }
            Reason::HandlingAlone => {
                "it is not a good use of public resources to investigate complaint handling alone"
            }
            Reason::Remedied => "the organisation has already offered a suitable remedy",
            Reason::NotYetComplained => "the organisation has not had a proper chance to respond",
            Reason::Excluded => "the law does not allow us to look at the matter complained about",
            Reason::Premature => "any injustice is speculative or has not yet happened",
        }
    }

    /// The end of "We will not investigate … because …".
    fn because(self) -> &'static str {
        match self {
            Reason::NoFault => "there is not enough evidence of fault by {B}",
            Reason::NotSignificant => {
                "the injustice caused is not significant enough to warrant an investigation"
            }
            Reason::CouldNotAdd => "we could not add to {Bs} investigation",
            Reason::NoDifferentOutcome => "an investigation would not lead to a different outcome",
            Reason::CannotAchieve => "we could not achieve the outcome {P} want{s}",
            Reason::ReviewAppeal => "it is reasonable for {P} to use {Bs} review process",
            Reason::Tribunal => "{P} could appeal to a tribunal",
            Reason::Court => "it is reasonable for {P} to take the matter to court",
            Reason::Late => {
                "the complaint is late and there are no good reasons to consider it now"
            }
            Reason::AllOrMost => "the matter affects all or most people in the area",
            Reason::DataProtection => {
                "the Information Commissioner is the right body to consider data protection matters"
            }
            Reason::HandlingAlone => "we do not investigate complaint handling on its own",
            Reason::Remedied => "{B} has already offered a suitable remedy",
            Reason::NotYetComplained => "{B} has not yet had the chance to respond to it",
            Reason::Excluded => "the law does not allow us to investigate it",
            Reason::Premature => "any injustice to {P} is speculative at this stage",
        }
    }
}

/// Tribunals by category (FORMAT §9).
fn tribunal(w: &Writer) -> &'static str {
    match (w.facts.top.label, w.facts.sub.label) {
        (_, "Parking and other penalties")
            if w.facts.kind == Kind::Transport
                || w.facts.authority.contains("London")
                || w.facts.authority.contains("Westminster") =>
        {
            "London Tribunals"
        }
        (_, "Parking and other penalties") => "the Traffic Penalty Tribunal",
        (_, "Council tax") => "the Valuation Tribunal",
        (_, "Housing benefit and council tax benefit") => "the Social Entitlement Chamber",
        ("Education", _) => "the SEND Tribunal",
        ("Planning", _) => "the Planning Inspector",
        _ => "the First-tier Tribunal",
    }
}

/// Writes the whole document.
pub fn write(w: &mut Writer) {
    let reasons = closure_reasons(w);
    header(w, &reasons);
    complaint(w);
    if !w.facts.is_short() && w.rng.chance(0.35) {
        investigated(w);
    }
    role(w, &reasons);
    considered(w);
    let reserve = if w.facts.form == super::facts::Form::Page {
        900
    } else {
        500
    };
    if w.facts.is_short() {
        assessment(w, &reasons, reserve);
    } else {
        let reserve = reserve
            + if w.facts.outcome == Outcome::Upheld {
                1_300
            } else {
                0
            };
        found(w, reserve);
        if w.facts.outcome == Outcome::Upheld {
            agreed_action(w);
        }
    }
    final_decision(w, &reasons);
    w.line(Block::Closing, CLOSING);
}

/// One to three closure reasons (none for investigations).
fn closure_reasons(w: &mut Writer) -> Vec<Reason> {
    if w.facts.outcome != Outcome::ClosedAfterInitialEnquiries {
        return Vec::new();
    }
    let n = *w.rng.weighted(&[(1usize, 45), (2, 40), (3, 15)]);
    let mut out: Vec<Reason> = Vec::with_capacity(n);
    while out.len() < n {
        let r = *w.rng.weighted(REASONS);
        if !out.contains(&r) {
            out.push(r);
        }
    }
    if w.facts.has(id::ICO) && !out.contains(&Reason::DataProtection) {
        out.push(Reason::DataProtection);
    }
    out
}

fn header(w: &mut Writer, reasons: &[Reason]) {
    let facts = w.facts;
    w.begin(Block::Title);
    w.doc.buf.push_str(facts.authority);
    w.doc.buf.push_str(" (");
    w.doc.buf.push_str(&facts.case_ref);
    w.doc.buf.push(')');
    w.begin(Block::Field);
    w.doc.buf.push_str("Category : ");
    w.doc.buf.push_str(facts.top.label);
    w.doc.buf.push_str(" > ");
    w.doc.buf.push_str(facts.sub.label);
    w.begin(Block::Field);
    w.doc.buf.push_str("Decision : ");
    w.doc.buf.push_str(facts.outcome.label());
    w.begin(Block::Field);
    w.doc.buf.push_str("Decision date : ");
    let d = facts.date;
    if d.day() < 10 {
        w.doc.buf.push('0');
    }
    super::text::push_num(&mut w.doc.buf, d.day() as u64);
    w.doc.buf.push(' ');
    w.doc
        .buf
        .push_str(vocab::MONTHS_SHORT[(d.month() - 1) as usize]);
    w.doc.buf.push(' ');
    super::text::push_num(&mut w.doc.buf, d.year() as u64);
    w.end();
    w.line(Block::FinalLine, "The Ombudsman's final decision:");
    summary(w, reasons);
}

fn old_style(w: &Writer) -> bool {
    w.facts.date.year() < 2018
}

fn summary(w: &mut Writer, reasons: &[Reason]) {
    w.begin(Block::Summary);
    let lower = w.rng.chance(0.02);
    w.doc.buf.push_str("Summary: ");
    let facts = w.facts;
    match facts.outcome {
        Outcome::ClosedAfterInitialEnquiries => {
            if lower {
                w.say("the Ombudsman will not investigate {Ps} complaint about {T}.");
            } else if old_style(w) {
                w.sentence_of(&[
                    "The Ombudsman will not investigate {Ps} complaint about {T}.",
                    "The Ombudsman should not investigate {Ps} complaint about {T}.",
                ]);
            } else if reasons.contains(&Reason::Excluded)
                || reasons.contains(&Reason::Tribunal) && w.rng.chance(0.3)
            {
                w.sentence("We cannot investigate {Ps} complaint about {T}.");
            } else {
                w.sentence("We will not investigate {Ps} complaint about {T}.");
            }
            w.sentence("This is because ");
            for (i, r) in reasons.iter().enumerate() {
                if i > 0 {
                    w.doc.buf.push_str(if i + 1 == reasons.len() {
                        " and "
                    } else {
                        ", "
                    });
                }
                w.say(r.because());
            }
            w.doc.buf.push('.');
        }
        Outcome::Upheld if facts.early_resolution => {
            w.say(if lower { "we" } else { "We" });
            w.say(
                " will not investigate {Ps} complaint about {T}. {Bc} has agreed to apologise and ",
            );
            w.say("pay {P} ");
            w.amount(&[(100, 3), (150, 3), (200, 2), (250, 3), (300, 2), (500, 1)]);
            w.say(" to remedy the injustice caused by the fault it accepted.");
            if facts.has(id::FAULT_CAUSING) {
                w.sentence("It accepted there was fault causing injustice.");
            }
        }
        Outcome::Upheld => {
            w.say(if lower { "the" } else { "The" });
            w.say(" complaint is about {T}. ");
            w.sentence_of(&[
                "{Bc} delayed dealing with the matter and did not keep {P} informed.",
                "{Bc} did not follow its own procedures, and failed to respond properly to {Ps} concerns.",
                "There were delays and poor communication by {B}.",
                "{Bc} did not properly consider the evidence before it reached its decision.",
            ]);
            if facts.has(id::FAULT_CAUSING) {
                w.sentence("We found fault causing injustice.");
            } else {
                w.sentence_of(&[
                    "This caused {P} avoidable distress and uncertainty.",
                    "This caused {P} frustration and put {him} to unnecessary effort.",
                ]);
            }
            w.sentence("{Bc} has agreed to apologise, pay {P} ");
            w.payment();
            w.say(" and review its procedures.");
        }
        _ => {
            w.say(if lower { "the" } else { "The" });
            w.say(" complaint is about {T}. ");
            w.sentence_of(&[
                "We found no fault in how {B} dealt with the matter.",
                "We have not found fault by {B}.",
                "{Bc} was not at fault. It considered the relevant information and reached a decision it was entitled to make.",
            ]);
        }
    }
    w.end();
}

/// Remedy payments (FORMAT §8), pounds with weights.
pub const AMOUNTS: &[(u64, u32)] = &[
    (100, 8),
    (150, 10),
    (200, 8),
    (250, 14),
    (300, 10),
    (350, 4),
    (400, 5),
    (500, 12),
    (600, 2),
    (750, 4),
    (1000, 6),
    (1250, 2),
    (1500, 2),
    (2000, 2),
    (3000, 1),
    (4500, 1),
    (19898, 1),
];

fn complaint(w: &mut Writer) {
    w.line(Block::Heading, "The complaint");
    if w.rng.chance(0.4) {
        w.block(Block::Para, "{P} complain{s} {B}:");
        let n = w.rng.range(2, 4);
        let mut fresh = Fresh::default();
        for i in 0..n {
            w.begin(Block::Bullet);
            w.fresh_sentence(
                &[
                    "did not properly consider {his} {n} and the {a} {n}",
                    "delayed in dealing with the {a} {n}",
                    "failed to tell {him} about the {n} before it {v} the {n}",
                    "did not respond to {his} complaint within its published timescales",
                    "did not keep proper records of the {n}",
                    "gave {him} wrong advice about the {a} {n}",
                    "did not take account of {his} {n}",
                ],
                &mut fresh,
            );
            w.doc.buf.push_str(if i + 2 == n {
                "; and"
            } else if i + 1 == n {
                "."
            } else {
                ";"
            });
        }
        w.end();
    } else {
        w.para_of(&[
            "{P} complain{s} about {T}.",
            "{P} complain{s} about {T}. {He} say{s} {B} {v} the {a} {n} and did not tell {him} about the {n}.",
            "{P} complain{s} that {B} failed to deal properly with {T}.",
        ]);
    }
    w.begin(Block::Para);
    w.sentence_of(&[
        "{P} say{s} this caused {him} distress and uncertainty.",
        "{P} say{s} {he} {has} been left anxious and out of pocket.",
        "{P} say{s} the matter has affected {his} health and {his} family.",
        "{P} want{s} {B} to apologise and put things right.",
    ]);
    if w.rng.chance(0.5) {
        w.sentence_of(&[
            "{He} want{s} {B} to recognise its mistakes and make sure this does not happen to others.",
            "{He} also want{s} {B} to pay for the {n}.",
            "{He} want{s} {B} to review the {a} {n}.",
        ]);
    }
    w.end();
}

fn investigated(w: &mut Writer) {
    let heading = if w.rng.chance(0.5) {
        "What I have investigated"
    } else {
        "What I have and have not investigated"
    };
    w.line(Block::Heading, heading);
    w.para_of(&[
        "I have investigated {Bs} actions from {M} {Y} until it responded to the complaint. I have not investigated the {a} {n} for the reasons given at the end of this statement.",
        "I have investigated the parts of the complaint about the {n} and the {a} {n}. I explain at the end of this statement why I have not investigated the rest.",
    ]);
}

fn role(w: &mut Writer, reasons: &[Reason]) {
    let facts = w.facts;
    w.line(
        Block::Heading,
        if facts.joint {
            "The Ombudsmen’s role and powers"
        } else {
            "The Ombudsman’s role and powers"
        },
    );
    if facts.outcome == Outcome::ClosedAfterInitialEnquiries {
        closed_role(w, reasons);
        return;
    }
    w.begin(Block::Para);
    if facts.joint {
        w.say("The Local Government and Social Care Ombudsman investigates complaints about ‘maladministration’ and ‘service failure’. The Parliamentary and Health Service Ombudsman investigates complaints about NHS bodies. In this statement, I have used the word ‘fault’ to refer to these. We must also consider whether any fault has had an adverse impact on the person making the complaint. I refer to this as ‘injustice’. If there has been fault which has caused an injustice, we may suggest a remedy.");
    } else if old_style(w) {
        w.say("The Ombudsman investigates complaints about ‘maladministration’ and ‘service failure’. In this statement, I have used the word ‘fault’ to refer to these. The Ombudsman must also consider whether any fault has had an adverse impact on the person making the complaint. I refer to this as ‘injustice’. If there has been fault which has caused an injustice, the Ombudsman may suggest a remedy.");
    } else {
        w.say("We investigate complaints about ‘maladministration’ and ‘service failure’. In this statement, I have used the word ‘fault’ to refer to these. We must also consider whether any fault has had an adverse impact on the person making the complaint. I refer to this as ‘injustice’. If there has been fault which has caused an injustice, we may suggest a remedy.");
    }
    if facts.kind == Kind::CareProvider && !facts.joint {
        w.end();
        w.begin(Block::Para);
        w.sentence("Under Part 3A of the Local Government Act, we can also investigate complaints about adult social care providers where the person arranged or funded their own care.");
        w.used(f::PART_3A);
        if w.rng.chance(0.5) {
            w.cite(f::S34B_34C);
        } else {
            w.cite(f::S34B_34C_34H34);
        }
        w.end();
        w.begin(Block::Para);
        w.say("If we are satisfied with a care provider’s actions or proposed actions, we can complete our investigation and issue a decision statement.");
        w.cite(f::S30_1B_34H_I);
    } else if facts.joint {
        w.cite(f::S26_1_26A_1);
        w.end();
        w.begin(Block::Para);
        w.say("The Ombudsmen have the power to jointly consider complaints about health and social care. Since April 2015, these complaints have been dealt with by a single team.");
        w.cite(f::S33ZA);
    } else if w.rng.chance(0.15) {
        w.cite(f::S26_1_26A_1_SHORT);
    } else if w.rng.chance(0.03) {
        w.doc.buf.push('.');
        w.cite(f::NO_SPACE);
        w.used(f::S26_1_26A_1);
    } else {
        w.cite(f::S26_1_26A_1);
    }
    w.end();
    if facts.kind == Kind::School {
        w.begin(Block::Para);
        if facts.sub.label == "School admissions" {
            w.say("We can investigate complaints about school admission appeal panels, but we cannot question a panel’s decision if it was made without fault.");
            let form = if w.rng.chance(0.5) {
                f::PARA5A_SCH5
            } else {
                f::SCH5_5A
            };
            w.cite(form);
        } else {
            w.say("We cannot investigate complaints about what happens in schools, such as teaching and internal management.");
            w.cite(f::SCH5_PARA5_2);
        }
        w.end();
    } else if facts.top.label == "Education" && w.rng.chance(0.15) {
        w.begin(Block::Para);
        w.say("We cannot investigate complaints about what happens in schools, such as teaching and internal management.");
        w.cite(f::SCH5_PARA5_2);
        w.end();
    }
    if w.rng.chance(0.45) {
        w.begin(Block::Para);
        w.say("We cannot question whether {Bs} decision is right or wrong simply because the complainant disagrees with it. We must consider whether there was fault in the way the decision was reached.");
        w.cite(f::S34_3);
        w.end();
    }
    if w.rng.chance(0.12) {
        w.begin(Block::Para);
        w.say("The law says we cannot normally investigate a complaint when someone can appeal to a court. However, we may decide to investigate if we consider it would be unreasonable to expect the person to appeal.");
        w.cite(f::S26_6_C);
        w.end();
    }
    if facts.has(id::START_OR_CONTINUE) {
        w.begin(Block::Para);
        w.say("We do not start or continue an investigation if we decide any injustice is not significant enough to justify our involvement, or further investigation would not lead to a different outcome.");
        let form = if w.rng.chance(0.7) {
            f::S24A6_AMENDED
        } else {
            f::S24A6
        };
        w.cite(form);
        w.end();
    }
    if facts.has(id::BALANCE) {
        w.block(Block::Para, "When considering complaints, if there is a conflict of evidence, we make findings on the balance of probabilities. This means that we will weigh up the available relevant evidence and base our findings on what we think was more likely to have happened.");
    }
    if facts.outcome == Outcome::Upheld && w.rng.chance(0.3) {
        w.begin(Block::Para);
        w.say("When we find fault, we can make recommendations to put things right. If the organisation has taken or agreed to take the action we recommend, we can complete our investigation.");
        let form = if w.rng.chance(0.6) {
            f::S30_1B_34H_I
        } else {
            f::S34H_4
        };
        w.cite(form);
        w.end();
    }
}

fn closed_role(w: &mut Writer, reasons: &[Reason]) {
    w.begin(Block::Para);
    if old_style(w) {
        w.say("The Ombudsman investigates complaints about ‘maladministration’ and ‘service failure’. In this statement, I have used the word ‘fault’ to refer to these. The Ombudsman must also consider whether any fault has had an adverse impact on the person making the complaint.");
    } else {
        w.say("We investigate complaints about ‘maladministration’ and ‘service failure’, which we call ‘fault’. We must also consider whether any fault has had an adverse impact on the person making the complaint, which we call ‘injustice’. We provide a free service, but must use public money carefully.");
    }
    // Always planted for closed decisions (PLANTING closed = 1.0).
    w.sentence("We do not start or continue an investigation if we decide:");
    w.end();
    // A tribunal and a court share their bullet: each is written once.
    let mut bullets: Vec<&str> = Vec::with_capacity(reasons.len());
    for r in reasons {
        if !bullets.contains(&r.bullet()) {
            bullets.push(r.bullet());
        }
    }
    let n = bullets.len();
    let own_para = w.rng.chance(0.15);
    let dangling = w.rng.chance(0.1);
    for (i, bullet) in bullets.into_iter().enumerate() {
        w.begin(Block::Bullet);
        w.say(bullet);
        let last = i + 1 == n;
        if !last {
            w.doc.buf.push_str(if i + 2 == n { "; or" } else { ";" });
        } else if own_para {
            w.doc.buf.push_str(if dangling { ", or" } else { "." });
        } else {
            w.doc.buf.push('.');
            let form = *w.rng.weighted(&[
                (f::S24A6_34B, 30),
                (f::S24A6_AMENDED, 30),
                (f::S24A6_34B8, 8),
                (f::S24A6_34B8_34B, 6),
                (f::S24A7, 4),
                (f::S24A6, 6),
                (f::UNCLOSED, 2),
            ]);
            w.cite(form);
        }
    }
    w.end();
    if own_para {
        w.cite_para(f::OWN_PARAGRAPH);
    }
    for r in reasons {
        reason_role(w, *r);
    }
}

/// The extra role-and-powers paragraph some reasons need.
fn reason_role(w: &mut Writer, r: Reason) {
    match r {
        Reason::Tribunal => {
            w.begin(Block::Para);
            w.say("The law says we cannot normally investigate a complaint when someone can appeal to a tribunal. However, we may decide to investigate if we consider it would be unreasonable to expect the person to appeal.");
            w.cite(f::S26_6_A);
        }
        Reason::Court => {
            w.begin(Block::Para);
            w.say("The law says we cannot normally investigate a complaint when someone could take the matter to court. However, we may decide to investigate if we consider it would be unreasonable to expect the person to go to court.");
            w.cite(f::S26_6_C);
        }
        Reason::Late => {
            w.begin(Block::Para);
            w.say("We cannot investigate late complaints unless we decide there are good reasons. Late complaints are when someone takes more than twelve months to complain to us about something an organisation has done.");
            w.cite(f::S26B_34D);
        }
        Reason::AllOrMost => {
            w.begin(Block::Para);
            w.say("We cannot investigate a complaint about something that affects all or most of the people in an area.");
            w.cite(f::S26_7);
        }
        Reason::NotYetComplained => {
            w.begin(Block::Para);
            w.say("The law says an organisation must be made aware of the complaint and given an opportunity to investigate and reply before we can begin an investigation.");
            w.cite(f::S26_5_34B6);
        }
        Reason::DataProtection => {
            w.begin(Block::Para);
            w.say("We normally expect someone to refer the matter to the Information Commissioner if they have a complaint about data protection. However, we may decide to investigate if we think there are good reasons.");
            w.cite(f::S24A6_AMENDED);
        }
        Reason::Excluded => {
            w.begin(Block::Para);
            if w.facts.top.label == "Education" {
                w.say("We cannot investigate complaints about what happens in schools.");
                w.cite(f::SCH5_PARA5_2);
            } else {
                w.say("We cannot investigate complaints about the management of social housing by a council acting as a landlord.");
                w.cite(f::SCH5_5A);
            }
        }
        _ => return,
    }
    w.end();
}

fn considered(w: &mut Writer) {
    w.line(Block::Heading, "How I considered this complaint");
    if w.facts.is_short() {
        w.para_of(&[
            "I considered information provided by {P} and {B}.",
            "I considered the information {P} provided and {Bs} response to the complaint.",
        ]);
        if w.rng.chance(0.6) {
            w.line(Block::Para, "I considered the Ombudsman’s Assessment Code.");
        }
    } else {
        w.para_of(&[
            "I considered evidence provided by {P} and {B} as well as relevant law, policy and guidance.",
            "I spoke to {P} and considered the information {he} provided.",
        ]);
        w.para_of(&[
            "I made enquiries of {B} and considered its response, including its {n}, {n} and {a} {n}.",
            "I read {Bs} case records, the emails {P} exchanged with {B} and the letters it sent {him}.",
        ]);
        let text = match w.rng.below(2) {
            0 => {
                "The complainant and the organisation had an opportunity to comment on my draft decision. I considered any comments received before making a final decision."
            }
            _ => {
                "I shared a draft of this decision with both parties and considered their comments."
            }
        };
        w.line(Block::Para, text);
    }
    let has_agreed_action = w.facts.outcome == Outcome::Upheld && !w.facts.early_resolution;
    if w.facts.has(id::THREE_MONTHS) && !has_agreed_action {
        w.block(Block::Para, "We publish our decisions on our website within three months of the final decision, with the names of the people involved removed.");
    }
}

/// Planted sentences that fit any reasoning section.
fn planted_extras(w: &mut Writer) {
    let facts = w.facts;
    if facts.has(id::HUMAN_RIGHTS) {
        w.block(Block::Para, "{P} said {his} human rights had not been respected. I have considered this, but it does not change my view of the complaint.");
    }
    if facts.has(id::ADJUSTMENTS) {
        w.block(Block::Para, "{Bc} made reasonable adjustments to the way it communicated with {P}, including sending letters by email.");
    }
    if facts.has(id::PSED) {
        w.block(Block::Para, "{P} also said {B} did not have regard to the public sector equality duty when it made its decision.");
    }
    if facts.has(id::KNOTWEED) {
        w.block(Block::Para, "{P} also mentioned Japanese knotweed on land next to {his} home, but that is not part of this complaint.");
    }
}

const ASSESS: &[&str] = &[
    "{P} complained to {B} in {M} {Y}. {Bc} replied in {M} {Y}. {P} remained unhappy and asked for {his} complaint to go to the next stage.",
    "{Bsc} final response {v} the {a} {n} and explained why it had {v} the {n}.",
    "{Bc} {v} the {n} in {M} {Y} and {v} the {a} {n} {d}.",
    "The information I have seen shows {B} {v} the {n} and told {P} about the {a} {n}.",
    "I understand {P} {is} unhappy with the {n}. But {B} has explained its position and I do not consider an investigation would find anything more.",
    "{P} say{s} {B} should have {v} the {n} sooner. {Bc} accepts there was some delay in {M} {Y}.",
    "{Bsc} records show the {a} {n} was {v} on {D}.",
    "{P} told us {he} {was} not told about the {a} {n} until {M} {Y}.",
    "{P} {is} unhappy with {Bs} decision about the {k}.",
    "{Bc} explained its decision about the {k} in its final response to the complaint.",
    "The {k} is the main concern {P} raise{s} with us.",
    "{Bc} has told us it {v} the {k} in {M} {Y}.",
    "{P} says the {k} has caused {him} stress and inconvenience.",
    "There is no sign that {B} failed to consider the {k} properly.",
];

fn assessment(w: &mut Writer, reasons: &[Reason], reserve: usize) {
    let heading = if w.rng.chance(0.03) && w.facts.date.year() == 2019 {
        "What I found"
    } else {
        "My assessment"
    };
    w.line(Block::Heading, heading);
    let limit = w.facts.target.saturating_sub(reserve);
    let mut fresh = Fresh::default();
    w.begin(Block::Para);
    w.fresh_sentence(ASSESS, &mut fresh);
    w.end();
    let mut turn = 0;
    while w.len() < limit && turn < 40 {
        w.begin(Block::Para);
        let k = w.rng.range(1, 3);
        for _ in 0..k {
            w.fresh_sentence(ASSESS, &mut fresh);
        }
        w.end();
        turn += 1;
    }
    for r in reasons {
        reason_assessment(w, *r);
    }
    if w.facts.has(id::ICO) {
        w.block(Block::Para, "{P} also complain{s} about how {B} handled {his} personal data. The ICO is better placed to consider this part of the complaint.");
    }
    if w.facts.early_resolution {
        w.block(Block::Para, "{Bc} accepted it was at fault and offered to apologise to {P} and make a payment to recognise the distress caused.");
        if w.facts.has(id::TIME_AND_TROUBLE) {
            w.begin(Block::Para);
            w.say("{Bc} also agreed to pay {P} ");
            w.amount(&[(100, 3), (150, 2), (200, 1)]);
            w.say(" for {his} time and trouble in bringing the complaint to us.");
            w.end();
        }
        if w.facts.has(id::SYMBOLIC) {
            w.block(
                Block::Para,
                "This symbolic payment recognises the frustration and uncertainty {P} experienced.",
            );
        }
    }
    planted_extras(w);
}

fn reason_assessment(w: &mut Writer, r: Reason) {
    let t = match r {
        Reason::NoFault => {
            "There is not enough evidence of fault by {B} to justify an investigation. {Bc} considered the information it had and explained its decision to {P}."
        }
        Reason::NotSignificant => {
            "I do not consider the matter caused {P} a significant enough injustice to justify an investigation."
        }
        Reason::CouldNotAdd => {
            "{Bc} has already investigated the complaint and explained what happened. An investigation by us could not add to that."
        }
        Reason::NoDifferentOutcome => {
            "Even if we investigated, it is unlikely we would reach a different outcome."
        }
        Reason::CannotAchieve => {
            "{P} want{s} {B} to reverse its decision. That is not something we could achieve."
        }
        Reason::ReviewAppeal => {
            "{P} can ask {B} to review its decision. It is reasonable to expect {him} to use that route first."
        }
        Reason::Tribunal => {
            w.begin(Block::Para);
            w.say("{P} could appeal to ");
            let t = tribunal(w);
            w.doc.buf.push_str(t);
            w.say(". It is reasonable to expect {him} to use that right of appeal, which is the proper route to challenge the decision.");
            w.end();
            return;
        }
        Reason::Court => {
            "The matter is about legal liability, which only the courts can decide. It is reasonable for {P} to take it to court."
        }
        Reason::Late => {
            "{P} knew about the matter more than twelve months before {he} complained to us. I have seen no good reason why {he} could not have come to us sooner."
        }
        Reason::AllOrMost => {
            "The issue {P} raises affects all or most people in the area, so the law does not allow us to investigate it."
        }
        Reason::DataProtection => {
            "{P} can complain to the Information Commissioner’s Office about how {B} handled {his} personal information."
        }
        Reason::HandlingAlone => {
            "As we are not investigating the main issue, it is not a good use of public resources to look at how {B} handled the complaint."
        }
        Reason::Remedied => {
            "{Bc} has apologised and offered to {v} the {n}. That is a suitable remedy and we could not achieve more."
        }
        Reason::NotYetComplained => {
            "{Bc} has not yet had the chance to respond to {Ps} complaint. I have passed it to {B}. If {P} remain{s} unhappy after {Bs} final response, {he} can come back to us."
        }
        Reason::Excluded => "The law does not allow us to investigate this matter.",
        Reason::Premature => {
            "No decision has yet been made, so any injustice to {P} is speculative at this stage."
        }
    };
    w.block(Block::Para, t);
}

fn found(w: &mut Writer, reserve: usize) {
    w.line(Block::Heading, "What I found");
    law(w);
    let sub = if w.rng.chance(0.8) {
        "What happened"
    } else {
        "Background"
    };
    w.line(Block::Sub, sub);
    let limit = w.facts.target.saturating_sub(reserve);
    let happened_until = w.len() + (limit.saturating_sub(w.len())) * 55 / 100;
    narrative(w, happened_until, HAPPENED);
    let sub = *w.rng.pick(&["Analysis", "My findings", "Findings"]);
    w.line(Block::Sub, sub);
    let upheld = w.facts.outcome == Outcome::Upheld;
    narrative(w, limit, if upheld { FAULT } else { NO_FAULT });
    planted_extras(w);
}

fn narrative(w: &mut Writer, until: usize, tpls: &[&str]) {
    let mut fresh = Fresh::default();
    w.begin(Block::Para);
    w.fresh_sentence(tpls, &mut fresh);
    w.end();
    let mut turn = 0;
    while w.len() < until && turn < 400 {
        if w.rng.chance(0.06) {
            w.bullet_list();
        } else {
            w.begin(Block::Para);
            let k = w.rng.range(1, 4);
            for _ in 0..k {
                w.fresh_sentence(tpls, &mut fresh);
            }
            w.end();
        }
        turn += 1;
    }
}

impl Writer<'_> {
    fn bullet_list(&mut self) {
        self.block(Block::Para, "The {n} said:");
        let n = self.rng.range(2, 5);
        let mut fresh = Fresh::default();
        for _ in 0..n {
            self.begin(Block::Bullet);
            self.fresh_sentence(
                &[
                    "the {a} {n} should be {v} within {W} weeks",
                    "the {n} and the {n} must be {v}",
                    "{B} will review the {a} {n} every {W} months",
                    "any {a} {n} must be recorded",
                ],
                &mut fresh,
            );
            self.end();
        }
    }
}

const HAPPENED: &[&str] = &[
    "On {D}, {B} {v} the {a} {n}.",
    "In {M} {Y}, {P} {v} {Bs} {n} about the {n}.",
    "{Bc} {v} {P} in {M} {Y} and {v} the {a} {n}.",
    "The {n} {v} on {D} did not mention the {a} {n}.",
    "{Bsc} {n} {v} the {n} {d}.",
    "{P} {v} the {n} and asked {B} to review the {a} {n}.",
    "A {a} {n} took place in {M} {Y}. The {n} recorded that the {n} had been {v} {d}.",
    "{Bc} did not reply until {M} {Y}, when it {v} the {a} {n}.",
    "The records show that the {n} was {v} on {D}, but there is no record of a {a} {n}.",
    "{P} told {B} that {his} {n} had not been {v}.",
    "{Bsc} records for {M} {Y} show the {a} {n} was still outstanding.",
    "{Bc} wrote to {P} on {D}. The letter said the {n} would be {v} within {W} weeks.",
    "In its stage one response, {B} {v} the {n} and said the {a} {n} had been {v} {d}.",
    "{P} {was} not happy with this and asked {B} to consider {his} complaint at stage two.",
    "{Bsc} stage two response {v} the {a} {n} but did not deal with the {n}.",
    "Between {M} and {M} {Y} there were {W} further contacts about the {n}.",
    "An officer {v} the {n} on {D} and noted that the {a} {n} needed to be {v}.",
    "The {a} {n} was {v} in {M} {Y}, {W} weeks after {P} first raised it.",
    "{P} sent {B} a {n} and a {a} {n} on {D}.",
    "{Bc} says it {v} the {n} {d}, but I have seen no {a} {n} to show this.",
    "{P} asked about the {k} in {M} {Y}. An officer said the {n} was being {v}.",
    "The {k} was {v} on {D}. {P} said {he} had not been told about it.",
    "{Bc} arranged a {a} {n} to discuss the {k}. {P} attended with {his} {n}.",
    "The case notes record that the {k} was discussed on {D}, but no decision was made.",
    "{Bsc} {k} was not updated after the {n} in {M} {Y}.",
    "In {M} {Y}, {B} {v} the {k} and told {P} the outcome by {n}.",
    "{P} chased {B} several times about the {k}. The records show {W} emails between {M} and {M} {Y}.",
    "The officer dealing with the {k} left {Bs} employment in {M} {Y}, and the case was not reallocated for {W} weeks.",
    "{Bc} wrote to {P} to explain the {k} and the {a} {n} it had {v}.",
    "{P} made a formal complaint about the {k} on {D}.",
    "{Bsc} {n} shows the {k} was {v} {d}.",
    "{C} was also affected by the delay in the {k}.",
    "{P} provided a {n} from {his} GP, which said the {k} was affecting {his} health.",
    "A manager reviewed the {k} in {M} {Y} and {v} the {a} {n}.",
];

const FAULT: &[&str] = &[
    "{Bc} {v} the {a} {n} without considering the {n}. This was fault.",
    "There is no evidence {B} {v} {Ps} {n} within the {a} timescale. This was fault.",
    "{Bc} should have {v} the {n} by {M} {Y}. The delay of {W} months was fault.",
    "I cannot say what would have happened without the fault, but {P} lost the opportunity to have the {n} {v} {d}. That uncertainty is an injustice to {him}.",
    "The fault caused {P} avoidable distress and uncertainty.",
    "{Bsc} complaint responses did not identify the fault. {P} had to bring {his} complaint to us to have it recognised.",
    "I accept {B} had a {a} {n} at the time. But that does not explain why the {n} was not {v}.",
    "The {n} was not {v} {d}, and the records do not show why. This was fault.",
    "{Bc} did not follow its own {n} when it {v} the {a} {n}.",
    "Had {B} acted without fault, it is likely the {n} would have been {v} by {M} {Y}.",
    "{Bc} did not consider the {k} properly. This was fault.",
    "There is no record that {B} explained the {k} to {P}. This was fault, and it left {him} uncertain about what would happen.",
    "The delay in the {k} was not caused by {P}. {Bc} should have acted sooner.",
    "{Bc} accepts it should have dealt with the {k} sooner. I agree.",
    "{Bsc} failure to review the {k} meant {P} went without the {a} {n} for {W} months.",
    "I am not satisfied {B} properly considered {Ps} {n} when it dealt with the {k}. This was fault.",
    "The guidance says the {k} should be reviewed regularly. {Bc} did not do this. This was fault.",
    "{P} was put to avoidable effort in chasing {B} about the {k}.",
];

const NO_FAULT: &[&str] = &[
    "{Bc} {v} the {a} {n} and reached a decision it was entitled to reach. I do not find fault.",
    "The records show {B} {v} the {n} {d}. There was no fault in how it did so.",
    "I understand {P} disagree{s} with the decision. But it is not my role to decide whether the {n} was right, only whether {B} followed a proper process.",
    "{Bc} considered the {a} {n} and the {n} before it decided. That is what I would expect to see.",
    "There was a short delay in {M} {Y}, but it did not cause {P} a significant injustice.",
    "{Bc} {v} the {n} in line with its {a} {n}.",
    "I have seen the {n} and the {a} {n}. They support what {B} told {P}.",
    "The {a} {n} was {v} {d}, as the {n} required.",
    "{Bc} dealt with the {k} in line with its policy and the relevant guidance.",
    "I have considered {Bs} records about the {k}. They show it considered the relevant information.",
    "{Bc} explained its decision on the {k} to {P} and told {him} about {his} right of review.",
    "The {k} was a matter of professional judgement for {B}. I cannot criticise a decision made without fault.",
    "{P} would like {B} to have reached a different view on the {k}. But that is not evidence of fault.",
    "{Bc} responded to each of {Ps} contacts about the {k} within its target times.",
    "Although the {n} took longer than {P} hoped, {B} kept {him} informed throughout.",
];

/// Law and guidance for the category, with running-text citations.
fn law(w: &mut Writer) {
    let sub = *w.rng.pick(&[
        "Law, guidance and policies",
        "Legislative background",
        "Relevant law and guidance",
        "Relevant law and guidance – the statutory framework",
        "The law and guidance",
    ]);
    w.line(Block::Sub, sub);
    let top: &Top = w.facts.top;
    match (top.label, w.facts.sub.label) {
        ("Housing", "Homelessness") => {
            w.block(Block::Para, "Part 7 of the Housing Act 1996 and the Homelessness Code of Guidance for Local Authorities set out the duties councils owe to people who are homeless or threatened with homelessness.");
            w.block(Block::Para, "A person who has been served with a valid section 21 notice which expires within 56 days is threatened with homelessness.");
            w.used(f::SECTION_21);
            w.block(Block::Para, "Applicants have a right to ask for a review of many of the decisions a council makes about their application. Reviews are dealt with under s.202 of the Housing Act 1996.");
            w.used(f::HOUSING_202);
        }
        ("Housing", _) => {
            w.block(Block::Para, "Every council must have a housing allocations scheme that says how it decides who has priority for social housing, and must follow it.");
            if w.rng.chance(0.4) {
                w.block(Block::Para, "A landlord may end an assured shorthold tenancy by serving a section 21 notice.");
                w.used(f::SECTION_21);
            }
        }
        ("Transport and highways", "Highway repair and maintenance") => {
            w.block(Block::Para, "Section 41 of the Highways Act 1980 places a duty on highway authorities to maintain highways maintainable at public expense.");
            w.used(f::HIGHWAYS_41);
        }
        ("Transport and highways", _) => {
            w.block(Block::Para, "The Traffic Management Act 2004 and its regulations set out how councils must consider challenges and representations against penalty charge notices.");
        }
        ("Environment and regulation", "Antisocial behaviour") => {
            w.block(Block::Para, "The Anti-social Behaviour, Crime and Policing Act 2014 gives councils, the police and social landlords a range of powers to deal with antisocial behaviour.");
            w.block(Block::Para, "Under section 2 of the Anti-social Behaviour, Crime and Policing Act 2014, a council may apply to the court for an injunction against a person aged 10 or over.");
            w.used(f::ASB_2);
        }
        ("Environment and regulation", _) => {
            w.block(Block::Para, "Councils must take reasonably practicable steps to investigate complaints of statutory nuisance under the Environmental Protection Act 1990.");
        }
        ("Children's care services", _) => {
            w.block(Block::Para, "The Children Act 1989 complaints procedure has three stages: a local resolution, an investigation by an independent investigator and a review panel.");
            w.used(f::CHILDREN_ACT);
            w.block(Block::Para, "Councils carry out a section 17 assessment to decide whether a child is in need of services.");
            w.used(f::SECTION_17);
        }
        ("Education", "Special educational needs") => {
            w.block(Block::Para, "The Children and Families Act 2014 and the SEND Code of Practice set out how councils must assess and meet children’s special educational needs.");
            w.block(Block::Para, "The council must complete an EHC needs assessment and issue a final plan within 20 weeks of the request.");
        }
        ("Education", _) => {
            w.block(Block::Para, "Section 19 of the Education Act 1996 says councils must arrange suitable education for children of compulsory school age who would not otherwise receive it.");
        }
        ("Adult care services", _) => {
            w.block(Block::Para, "The Care Act 2014 and the Care and Support Statutory Guidance set out what councils must do to assess and meet adults’ eligible care needs.");
            if w.facts.sub.label == "Safeguarding" {
                w.block(Block::Para, "Under section 42 of the Care Act 2014, a council must make enquiries if it has reason to think an adult with care needs is at risk of abuse or neglect.");
            }
        }
        ("Planning", _) => {
            w.block(Block::Para, "Councils must decide planning applications in line with the development plan unless material considerations indicate otherwise.");
            w.block(Block::Para, "The developer entered into a section 106 agreement with the Council to provide affordable housing and a play area.");
            w.used(f::SECTION_106);
        }
        ("Benefits and tax", _) => {
            w.block(Block::Para, "The Council Tax (Administration and Enforcement) Regulations 1992 set out how councils must bill and recover council tax.");
        }
        ("Health", _) => {
            w.block(Block::Para, "Section 117 of the Mental Health Act 1983 places a joint duty on councils and health bodies to provide aftercare to people who have been detained.");
        }
        _ => {
            w.block(
                Block::Para,
                "Councils must manage their land in line with their policies and the law.",
            );
        }
    }
}

fn agreed_action(w: &mut Writer) {
    w.line(Block::Heading, "Agreed action");
    w.para_of(&[
        "To remedy the injustice caused by the faults I have identified, {B} has agreed that within one month of my final decision it will:",
        "Within one month of my final decision {B} has agreed to:",
        "Within four weeks of my final decision {B} has agreed to:",
    ]);
    w.bullet_of(&[
        "apologise to {P} in writing for the faults identified in this statement;",
        "apologise to {P}. We publish guidance on remedies which sets out our expectations for how organisations should apologise effectively;",
    ]);
    w.begin(Block::Bullet);
    w.say("pay {P} ");
    w.payment();
    w.say(" to acknowledge the distress and uncertainty caused by the faults");
    w.doc.buf.push_str(
        if w.facts.has(id::TIME_AND_TROUBLE) || w.facts.has(id::SYMBOLIC) {
            "; and"
        } else {
            "."
        },
    );
    w.end();
    if w.facts.has(id::TIME_AND_TROUBLE) {
        w.begin(Block::Bullet);
        w.say("pay {P} ");
        w.amount(&[(100, 3), (150, 2), (200, 1), (250, 1)]);
        w.say(" for {his} time and trouble in bringing the complaint to us.");
        w.end();
    }
    if w.facts.has(id::SYMBOLIC) {
        w.block(Block::Bullet, "make the payment above as a symbolic payment, as we cannot put {P} back in the position {he} would have been in.");
    }
    if w.facts.has(id::THREE_MONTHS) {
        w.block(
            Block::Para,
            "Within three months of the final decision {B} has agreed to:",
        );
    } else {
        w.para_of(&[
            "Within three months of my final decision {B} has agreed to:",
            "Within three months from the date of this report {B} should:",
        ]);
    }
    let n = w.rng.range(1, 3);
    for i in 0..n {
        w.begin(Block::Bullet);
        w.sentence_of(&[
            "remind staff of the importance of keeping accurate records of the {n}",
            "review its procedures for dealing with the {a} {n}",
            "provide training to officers on the {n} and the {a} {n}",
            "review its template letters so that every decision letter tells the applicant about their review rights",
            "reconsider its decision about the {n}",
        ]);
        w.doc.buf.push_str(if i + 1 == n {
            "."
        } else if i + 2 == n {
            "; and"
        } else {
            ";"
        });
        w.end();
    }
    w.para_of(&[
        "{Bc} should provide us with evidence it has complied with the above actions.",
        "{Bc} will provide us with evidence that it has done these things.",
    ]);
    if w.facts.top.label == "Adult care services" && w.rng.chance(0.4) {
        w.line(Block::Para, "Under our information sharing agreement, we will share this final decision with the Care Quality Commission.");
    } else if w.facts.top.label == "Children's care services" && w.rng.chance(0.3) {
        w.line(
            Block::Para,
            "Under our information sharing agreement, we will share this decision with Ofsted.",
        );
    }
}

fn final_decision(w: &mut Writer, reasons: &[Reason]) {
    if w.facts.outcome == Outcome::ClosedAfterInitialEnquiries && w.rng.chance(0.02) {
        return; // Missing on some closed decisions (FORMAT §5).
    }
    w.line(Block::Heading, "Final decision");
    w.begin(Block::Para);
    let facts = w.facts;
    match facts.outcome {
        Outcome::ClosedAfterInitialEnquiries => {
            w.say(if old_style(w) {
                "The Ombudsman should not investigate this complaint because "
            } else {
                "We will not investigate {Ps} complaint because "
            });
            let r = reasons.first().copied().unwrap_or(Reason::NoFault);
            w.say(r.because());
            w.doc.buf.push('.');
        }
        Outcome::Upheld if facts.early_resolution => {
            w.say("We have ended our consideration of {Ps} complaint because {B} has agreed to remedy the injustice caused.");
        }
        Outcome::Upheld => {
            w.say("I have completed my investigation. ");
            w.sentence_of(&[
                "I have found fault by {B} which caused injustice to {P}.",
                "There was fault by {B} which caused injustice.",
            ]);
            w.sentence("{Bc} has agreed to take action to remedy that injustice.");
        }
        _ => {
            w.say("I have completed my investigation. ");
            w.sentence_of(&[
                "I have not found fault by {B}.",
                "There was no fault by {B} in how it dealt with the matter.",
            ]);
        }
    }
    w.end();
}
