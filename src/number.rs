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

#[cfg(test)]
mod tests {
    use super::*;

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
}
