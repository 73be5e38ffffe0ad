//! Numbers as planners type them (số liệu): Vietnamese formats such as `4.916.475` and `13,9`.
//!
//! Rules, in order:
//! - spaces (also non-breaking) are thousands separators;
//! - with both `.` and `,`, the one that comes last is the decimal separator;
//! - dots only: if every group after the first has three digits, they separate thousands
//!   and the first group does not start with 0 (`4.916.475`, `4.916`), otherwise a single dot is
//!   the decimal point (`12.5`, `0.125`);
//! - commas only: one comma is the Vietnamese decimal comma (`13,9`, `1,500` = 1.5); several
//!   commas with three-digit groups separate thousands (`4,916,475`).

use rust_decimal::Decimal;
use std::str::FromStr;

/// Why a text is not a number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// Nothing was written.
    #[error("empty value")]
    Empty,
    /// The text is not a number in any accepted format.
    #[error("`{0}` is not a number (accepted: 4916475, 4.916.475, 13,9, 13.9)")]
    NotANumber(String),
    /// Money or a count that must not be negative.
    #[error("`{0}` is negative")]
    Negative(String),
}

fn all_groups_of_three(groups: &[&str]) -> bool {
    groups.len() > 1
        && !groups[0].is_empty()
        && groups[0].len() <= 3
        && !groups[0].starts_with('0')
        && groups[1..].iter().all(|g| g.len() == 3)
}

/// Parses a decimal number written the Vietnamese or the English way.
pub fn parse_decimal(text: &str) -> Result<Decimal, NumberError> {
    let trimmed = text.trim().trim_start_matches('\u{feff}');
    if trimmed.is_empty() {
        return Err(NumberError::Empty);
    }
    let bad = || NumberError::NotANumber(trimmed.to_string());
    let compact: String = trimmed
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_'))
        .collect();
    let (sign, body) = match compact.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", compact.strip_prefix('+').unwrap_or(&compact)),
    };
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(bad());
    }
    let has_dot = body.contains('.');
    let has_comma = body.contains(',');
    let normalized = match (has_dot, has_comma) {
        (false, false) => body.to_string(),
        (true, true) => {
            let last_dot = body.rfind('.').unwrap_or(0);
            let last_comma = body.rfind(',').unwrap_or(0);
            let (thousands, decimal) = if last_comma > last_dot {
                ('.', ',')
            } else {
                (',', '.')
            };
            let (int_part, frac) = body.split_at(body.rfind(decimal).unwrap_or(0));
            let groups: Vec<&str> = int_part.split(thousands).collect();
            if frac[1..].contains(thousands) || frac[1..].contains(decimal) {
                return Err(bad());
            }
            if !all_groups_of_three(&groups) {
                return Err(bad());
            }
            format!("{}.{}", groups.concat(), &frac[1..])
        }
        (true, false) => {
            let groups: Vec<&str> = body.split('.').collect();
            if all_groups_of_three(&groups) {
                groups.concat()
            } else if groups.len() == 2 {
                body.to_string()
            } else {
                return Err(bad());
            }
        }
        (false, true) => {
            let groups: Vec<&str> = body.split(',').collect();
            if groups.len() == 2 {
                body.replace(',', ".")
            } else if all_groups_of_three(&groups) {
                groups.concat()
            } else {
                return Err(bad());
            }
        }
    };
    if normalized.starts_with('.') || normalized.ends_with('.') {
        return Err(bad());
    }
    Decimal::from_str(&format!("{sign}{normalized}")).map_err(|_| bad())
}

/// Parses an amount of money or a count that must be zero or more.
pub fn parse_non_negative(text: &str) -> Result<Decimal, NumberError> {
    let value = parse_decimal(text)?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(NumberError::Negative(text.trim().to_string()));
    }
    Ok(value)
}

// ---------------------------------------------------------------------------------------------
// Writing numbers for people (cách viết số): the one formatter every report, chart, workbook and
// document uses. Vietnamese style by default (4.916.475; 12,5); English style (4,916,475; 12.5)
// by the `--en-numbers` switch. Rounding is half-up (làm tròn), as the documents round, never
// banker's rounding and never truncation. JSON does not use this: it carries exact decimals.
// ---------------------------------------------------------------------------------------------

/// How numbers are written for people: Vietnamese (`4.916.475`, `12,5`) or English
/// (`4,916,475`, `12.5`) grouping and decimal mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberStyle {
    /// Vietnamese: `.` groups thousands, `,` is the decimal mark (4.916.475; 12,5).
    #[default]
    Vietnamese,
    /// English: `,` groups thousands, `.` is the decimal mark (4,916,475; 12.5).
    English,
}

impl NumberStyle {
    /// The thousands separator and the decimal mark.
    fn marks(self) -> (char, char) {
        match self {
            NumberStyle::Vietnamese => ('.', ','),
            NumberStyle::English => (',', '.'),
        }
    }
}

/// Decimal places money is shown with by default: million VND to one decimal, the finest
/// precision the seed documents print (Lạng Sơn's 3.900,5). Trailing zeros are dropped, so whole
/// amounts print as whole numbers (4.916.475).
pub const MONEY_PLACES: u32 = 1;

/// Decimal places of an average number of criteria per commune (bình quân tiêu chí/xã), as the
/// documents print it (12,5; 13,67).
pub const AVERAGE_PLACES: u32 = 2;

/// Rounds half away from zero (làm tròn) at `places` decimals: 13,665 → 13,67; 0,5 → 1.
pub fn round_half_up(value: Decimal, places: u32) -> Decimal {
    value.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// Writes `value` rounded half-up to exactly `places` decimals, grouped in `style`:
/// `format_fixed(1622146.45, 1, Vietnamese)` is `1.622.146,5`.
pub fn format_fixed(value: Decimal, places: u32, style: NumberStyle) -> String {
    let rounded = round_half_up(value, places);
    let mut text = rounded.abs().to_string();
    // Pad to exactly `places` decimals (Decimal keeps the scale it had, which may be less).
    let (int_part, frac_part) = match text.find('.') {
        Some(dot) => (text[..dot].to_string(), text[dot + 1..].to_string()),
        None => (std::mem::take(&mut text), String::new()),
    };
    let mut frac = frac_part;
    while (frac.len() as u32) < places {
        frac.push('0');
    }
    frac.truncate(places as usize);
    join(
        rounded.is_sign_negative() && !rounded.is_zero(),
        &int_part,
        &frac,
        style,
    )
}

/// Writes `value` rounded half-up to at most `max_places` decimals, dropping trailing zeros:
/// `format_trimmed(12.50, 2, Vietnamese)` is `12,5`, `format_trimmed(39, 2, …)` is `39`.
pub fn format_trimmed(value: Decimal, max_places: u32, style: NumberStyle) -> String {
    let rounded = round_half_up(value, max_places).normalize();
    format_fixed(rounded, rounded.scale(), style)
}

/// Million VND for people: rounded half-up at [`MONEY_PLACES`], trailing zeros dropped, grouped
/// in `style` (4.916.475; 3.900,5). A report that follows a document's own precision passes it
/// to [`format_trimmed`] instead.
pub fn format_money(value: Decimal, style: NumberStyle) -> String {
    format_trimmed(value, MONEY_PLACES, style)
}

/// A number as scenario files write it, unambiguous for the loader (`1.234,5`, `66.550`,
/// `214,548`): Vietnamese style, exact to 12 decimals. Written the English way, `214.548` would
/// read back as 214.548 whole (a dot before three digits groups thousands, [`parse_decimal`]).
pub fn format_for_file(value: Decimal) -> String {
    format_trimmed(value, 12, NumberStyle::Vietnamese)
}

/// A count of communes, criteria or projects, grouped in `style` (1.019).
pub fn format_count(count: u64, style: NumberStyle) -> String {
    join(false, &count.to_string(), "", style)
}

fn join(negative: bool, int_digits: &str, frac: &str, style: NumberStyle) -> String {
    let (thousands, decimal) = style.marks();
    let mut out = String::with_capacity(int_digits.len() + frac.len() + 8);
    if negative {
        out.push('-');
    }
    for (i, ch) in int_digits.chars().enumerate() {
        if i > 0 && (int_digits.len() - i).is_multiple_of(3) {
            out.push(thousands);
        }
        out.push(ch);
    }
    if !frac.is_empty() {
        out.push(decimal);
        out.push_str(frac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_written_for_files_read_back_as_written() {
        // 214.548 is the case the English way gets wrong: it reads back as 214548.
        assert_eq!(parse_decimal("214.548").unwrap(), d("214548"));
        for text in [
            "214.548", "1234.567", "1500", "1.5", "0.125", "66550", "1200.5",
        ] {
            let value = d(text);
            assert_eq!(
                parse_decimal(&format_for_file(value)).unwrap(),
                value,
                "{text}"
            );
        }
        assert_eq!(format_for_file(d("214.548")), "214,548");
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn vietnamese_formats() {
        assert_eq!(parse_decimal("4.916.475").unwrap(), d("4916475"));
        assert_eq!(parse_decimal("13,9").unwrap(), d("13.9"));
        assert_eq!(parse_decimal("12.5").unwrap(), d("12.5"));
        assert_eq!(parse_decimal("4.916").unwrap(), d("4916"));
        assert_eq!(parse_decimal("0.125").unwrap(), d("0.125"));
        assert_eq!(parse_decimal("4,916,475").unwrap(), d("4916475"));
        assert_eq!(parse_decimal("1.622.146,5").unwrap(), d("1622146.5"));
        assert_eq!(parse_decimal("1,622,146.5").unwrap(), d("1622146.5"));
        assert_eq!(parse_decimal(" 3 000 000 ").unwrap(), d("3000000"));
        assert_eq!(parse_decimal("-5").unwrap(), d("-5"));
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "abc",
            "1.2.3",
            "1,2,3",
            "12.",
            ",5",
            "1.000,2.5",
            "--1",
            "1e5",
            "٣",
        ] {
            assert!(parse_decimal(bad).is_err(), "{bad} should fail");
        }
        assert_eq!(
            parse_non_negative("-1"),
            Err(NumberError::Negative("-1".into()))
        );
    }

    #[test]
    fn formats_the_vietnamese_way_and_rounds_half_up() {
        let vi = NumberStyle::Vietnamese;
        let en = NumberStyle::English;
        assert_eq!(format_money(d("4916475"), vi), "4.916.475");
        assert_eq!(format_money(d("4916475"), en), "4,916,475");
        assert_eq!(format_money(d("3900.5"), vi), "3.900,5");
        assert_eq!(format_money(d("581737.11844"), vi), "581.737,1");
        assert_eq!(format_money(d("1499.99849"), vi), "1.500");
        assert_eq!(format_money(d("-1234.25"), vi), "-1.234,3");
        assert_eq!(format_money(d("-0.01"), vi), "0");
        assert_eq!(format_trimmed(d("12.50"), 2, vi), "12,5");
        // 41 criteria over 3 communes: 13.666… is 13,67, not the truncated 13,66.
        assert_eq!(format_trimmed(d("41") / d("3"), 2, vi), "13,67");
        assert_eq!(format_fixed(d("13.665"), 2, vi), "13,67");
        assert_eq!(format_fixed(d("12.5"), 2, en), "12.50");
        assert_eq!(format_fixed(d("999.96"), 1, vi), "1.000,0");
        assert_eq!(format_fixed(d("0.5"), 0, vi), "1");
        assert_eq!(format_fixed(d("2.5"), 0, vi), "3");
        assert_eq!(format_count(1019, vi), "1.019");
        assert_eq!(format_count(100, vi), "100");
        assert_eq!(format_count(1234567, en), "1,234,567");
    }

    #[test]
    fn formatted_numbers_read_back() {
        let vi = NumberStyle::Vietnamese;
        for s in ["4916475", "3900.5", "0.25", "1622146.5", "12"] {
            let v = d(s);
            assert_eq!(parse_decimal(&format_trimmed(v, 6, vi)).unwrap(), v, "{s}");
        }
    }
}
