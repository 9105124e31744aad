//! Benchmark phrases planted at fixed rates, so that search benchmarks have
//! rare, medium and very common phrases with known answers.
//!
//! Each phrase is written only when planted: no template and no word list
//! can produce it otherwise, and every decision is checked after writing
//! (token-wise, ignoring case and punctuation, as a phrase query would see
//! it) and rewritten from a fresh stream if a phrase slipped in unplanted.

use crate::decision::Outcome;

/// `(phrase, fraction of decisions that contain it)`. The fraction is the
/// expected rate over a large corpus (outcomes drawn 45/40/15).
pub const PHRASES: &[(&str, f64)] = &[
    ("we do not start or continue an investigation", 0.55),
    ("within three months of the final decision", 0.60),
    ("on the balance of probabilities", 0.25),
    ("fault causing injustice", 0.20),
    ("human rights", 0.05),
    ("time and trouble", 0.05),
    ("symbolic payment", 0.02),
    ("reasonable adjustments", 0.01),
    ("ICO is better placed", 0.005),
    ("public sector equality duty", 0.002),
    ("Japanese knotweed", 0.001),
];

/// Index of each phrase in [`PHRASES`].
pub mod id {
    pub const START_OR_CONTINUE: usize = 0;
    pub const THREE_MONTHS: usize = 1;
    pub const BALANCE: usize = 2;
    pub const FAULT_CAUSING: usize = 3;
    pub const HUMAN_RIGHTS: usize = 4;
    pub const TIME_AND_TROUBLE: usize = 5;
    pub const SYMBOLIC: usize = 6;
    pub const ADJUSTMENTS: usize = 7;
    pub const ICO: usize = 8;
    pub const PSED: usize = 9;
    pub const KNOTWEED: usize = 10;
}

/// Planting probability of one phrase for each outcome.
#[derive(Debug, Clone, Copy)]
pub struct Planting {
    pub closed: f64,
    pub upheld: f64,
    pub not_upheld: f64,
}

impl Planting {
    const fn all(p: f64) -> Planting {
        Planting {
            closed: p,
            upheld: p,
            not_upheld: p,
        }
    }

    /// The probability for a decision with this outcome.
    pub fn probability(&self, outcome: &Outcome) -> f64 {
        match outcome {
            Outcome::ClosedAfterInitialEnquiries => self.closed,
            Outcome::Upheld => self.upheld,
            _ => self.not_upheld,
        }
    }
}

/// Share of each outcome, as drawn in `facts::draw`.
pub const CLOSED_SHARE: f64 = 0.40;
pub const UPHELD_SHARE: f64 = 0.45;
#[cfg(test)]
pub const NOT_UPHELD_SHARE: f64 = 0.15;

/// Planting probabilities, in [`PHRASES`] order; a unit test checks they
/// give the advertised rates.
pub const PLANTING: &[Planting] = &[
    // Closed decisions always carry it (the closure-reason list); some
    // investigations explain the parts they did not investigate.
    Planting {
        closed: 1.0,
        upheld: 0.25,
        not_upheld: 0.25,
    },
    Planting::all(0.60),
    Planting {
        closed: 0.0,
        upheld: 0.25 / 0.60,
        not_upheld: 0.25 / 0.60,
    },
    Planting {
        closed: 0.0,
        upheld: 0.20 / 0.45,
        not_upheld: 0.0,
    },
    Planting::all(0.05),
    Planting {
        closed: 0.0,
        upheld: 0.05 / 0.45,
        not_upheld: 0.0,
    },
    Planting {
        closed: 0.0,
        upheld: 0.02 / 0.45,
        not_upheld: 0.0,
    },
    Planting::all(0.01),
    Planting {
        closed: 0.005 / 0.40,
        upheld: 0.0,
        not_upheld: 0.0,
    },
    Planting::all(0.002),
    Planting::all(0.001),
];

/// Lower-case words joined by single spaces, with a space at each end:
/// what a phrase query sees (punctuation, apostrophes and line breaks are
/// word boundaries).
pub fn token_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    let mut in_word = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            in_word = true;
        } else if c.is_ascii() {
            if in_word {
                out.push(' ');
                in_word = false;
            }
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            in_word = true;
        } else if in_word {
            out.push(' ');
            in_word = false;
        }
    }
    if in_word {
        out.push(' ');
    }
    out
}

/// The phrases found in `text`, one bit per [`PHRASES`] entry.
pub fn found(text: &str) -> u32 {
    let tokens = token_text(text);
    let mut bits = 0;
    let mut needle = String::with_capacity(64);
    for (i, (p, _)) in PHRASES.iter().enumerate() {
        needle.clear();
        needle.push(' ');
        needle.push_str(&p.to_lowercase());
        needle.push(' ');
        if tokens.contains(needle.as_str()) {
            bits |= 1 << i;
        }
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planting_gives_the_advertised_rates() {
        assert_eq!(PHRASES.len(), PLANTING.len());
        for ((phrase, rate), p) in PHRASES.iter().zip(PLANTING) {
            let expected =
                CLOSED_SHARE * p.closed + UPHELD_SHARE * p.upheld + NOT_UPHELD_SHARE * p.not_upheld;
            assert!(
                (expected - rate).abs() < 1e-9,
                "{phrase}: {expected} vs {rate}"
            );
        }
    }

    #[test]
    fn phrases_are_found_across_punctuation_and_case() {
        let bits = found("Its TIME, and trouble.\n- The ICO’s view: ICO is better-placed");
        assert!(bits & (1 << id::TIME_AND_TROUBLE) != 0);
        assert!(bits & (1 << id::ICO) != 0);
        assert_eq!(found("overtime and troubles"), 0);
    }
}
