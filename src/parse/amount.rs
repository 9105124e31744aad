//! Sums of money (FORMAT §8): `£1,250`, `£1200`, `£19,898`, `£12.50`.

use crate::decision::Amount;
use regex::Regex;
use std::sync::LazyLock;

/// `£` then either comma-grouped thousands or a plain run of digits, then
/// optional pence.
static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"£(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d\d))?").expect("valid amount regex")
});

/// Every sum of money in `text`, in order, with byte offsets (from the `£`)
/// into `text`. Values too large for `u64` are skipped, never a panic.
pub fn find_amounts(text: &str) -> Vec<Amount> {
    AMOUNT
        .captures_iter(text)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            let digits: String = caps
                .get(1)?
                .as_str()
                .chars()
                .filter(|c| *c != ',')
                .collect();
            let pounds = digits.parse::<u64>().ok()?;
            let pence = match caps.get(2) {
                Some(p) => p.as_str().parse::<u8>().ok()?,
                None => 0,
            };
            Some(Amount {
                pounds,
                pence,
                start: whole.start(),
                end: whole.end(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pounds(text: &str) -> Vec<u64> {
        find_amounts(text).iter().map(|a| a.pounds).collect()
    }

    #[test]
    fn published_amounts_parse_to_integers() {
        assert_eq!(pounds("pay Miss X £1,250 for distress"), vec![1250]);
        assert_eq!(pounds("a payment of £1200."), vec![1200]);
        assert_eq!(pounds("refund £19,898 and £100"), vec![19898, 100]);
        assert_eq!(pounds("£1,000,000"), vec![1_000_000]);
    }

    #[test]
    fn pence_and_offsets() {
        let text = "Pay Mr X £12.50 now";
        let a = find_amounts(text);
        assert_eq!(a.len(), 1);
        assert_eq!((a[0].pounds, a[0].pence), (12, 50));
        assert_eq!(&text[a[0].start..a[0].end], "£12.50");
    }

    #[test]
    fn absurd_values_are_skipped_not_panicking() {
        assert!(pounds("£99999999999999999999999999").is_empty());
        assert_eq!(pounds("£ 100 and £"), Vec::<u64>::new());
    }
}
