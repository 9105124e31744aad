//! Dates as the Ombudsman writes them: `31 Oct 2024` (header), `04-Nov-2025`
//! (listings) and `23 September 2016` (the summary form's `Ombudsman
//! satisfied…` line). Single-digit days are accepted. Impossible dates
//! (`31 Feb 2024`) give `None`, never a panic.

use jiff::civil::Date;

/// Parses `DD Mon YYYY`, `DD-Mon-YYYY` or `DD Month YYYY` (day may be one
/// digit; month name in any case; `Sept` accepted). Surrounding space is
/// ignored. Returns `None` for anything else or for a date that does not
/// exist.
pub fn parse_date(input: &str) -> Option<Date> {
    let s = input.trim();
    let mut parts = s
        .split(|c: char| c == '-' || c.is_whitespace())
        .filter(|p| !p.is_empty());
    let day = parse_number(parts.next()?, 2)?;
    let month = month_number(parts.next()?)?;
    let year = parse_number(parts.next()?, 4)?;
    if parts.next().is_some() || !(1000..=9999).contains(&year) {
        return None;
    }
    let year = i16::try_from(year).ok()?;
    let day = i8::try_from(day).ok()?;
    Date::new(year, month, day).ok()
}

/// An all-ASCII-digit number of at most `max_len` digits.
fn parse_number(s: &str, max_len: usize) -> Option<u32> {
    if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `Jan`/`January`/`jan` → 1 … ; `Sept` is accepted for September.
fn month_number(name: &str) -> Option<i8> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let lower = name.trim_end_matches('.').to_lowercase();
    if lower == "sept" {
        return Some(9);
    }
    MONTHS.iter().zip(1i8..).find_map(|(full, n)| {
        let is_abbrev = lower.len() == 3 && full.starts_with(lower.as_str());
        (is_abbrev || lower == *full).then_some(n)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_three_published_forms_parse() {
        assert_eq!(parse_date("07 Sep 2020"), Some(date(2020, 9, 7)));
        assert_eq!(parse_date("04-Nov-2025"), Some(date(2025, 11, 4)));
        assert_eq!(parse_date("23 September 2016"), Some(date(2016, 9, 23)));
        assert_eq!(parse_date("31 Oct 2024"), Some(date(2024, 10, 31)));
    }

    #[test]
    fn single_digit_days_case_and_space() {
        assert_eq!(parse_date(" 7 sep 2020 "), Some(date(2020, 9, 7)));
        assert_eq!(parse_date("1 JANUARY 2018"), Some(date(2018, 1, 1)));
        assert_eq!(parse_date("4-Nov-2025"), Some(date(2025, 11, 4)));
        assert_eq!(parse_date("10 Sept 2019"), Some(date(2019, 9, 10)));
    }

    #[test]
    fn impossible_or_malformed_dates_are_none() {
        for s in [
            "31 Feb 2024",
            "29 Feb 2023",
            "00 Jan 2020",
            "32 Jan 2020",
            "07 Sep 20",
            "07 Sep 2020 x",
            "Sep 2020",
            "",
            "07 Se 2020",
            "999 Jan 2020",
            "07 Sep 99999",
            "٣ Sep 2020",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
        assert_eq!(parse_date("29 Feb 2024"), Some(date(2024, 2, 29)));
    }
}
