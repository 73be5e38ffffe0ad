//! Shares of a total in percent that add up to 100 exactly (tỷ lệ cơ cấu nguồn vốn).
//!
//! Each share is rounded with the largest-remainder method (the one the allocation rules use,
//! [`crate::rules::largest_remainder`]), so the column adds up to 100. The document states
//! shares at the fewest decimals (one to three) at which that rounding is also ordinary
//! half-up rounding of every share, so that a reader who recomputes a share from its amount
//! finds the stated figure (the audit's `funding-share` check); when no precision does that
//! (three equal parts), one decimal is kept and a share may be one unit off its own rounding.

use rust_decimal::Decimal;

use crate::number::round_half_up;
use crate::rules::largest_remainder;

/// Decimals tried, fewest first.
const PLACES: [u32; 3] = [1, 2, 3];

/// Shares of `amounts` in their sum, in percent, adding up to exactly 100, and the decimals
/// they are stated with. All zero (and one decimal) when the sum is zero.
pub fn percent_shares(amounts: &[Decimal]) -> (Vec<Decimal>, u32) {
    let total: Decimal = amounts.iter().sum();
    if amounts.is_empty() || total <= Decimal::ZERO {
        return (vec![Decimal::ZERO; amounts.len()], PLACES[0]);
    }
    let hundred = Decimal::ONE_HUNDRED;
    // Exact quotas; the last takes the division's residue so that they sum to 100 exactly.
    let mut quotas: Vec<Decimal> = amounts.iter().map(|a| *a * hundred / total).collect();
    let head: Decimal = quotas[..quotas.len() - 1].iter().sum();
    if let Some(last) = quotas.last_mut() {
        *last = hundred - head;
    }
    let round = |places: u32| {
        let unit = Decimal::new(1, places);
        largest_remainder(hundred, &quotas, unit)
    };
    for places in PLACES {
        let shares = round(places);
        if shares
            .iter()
            .zip(&quotas)
            .all(|(s, q)| *s == round_half_up(*q, places))
        {
            return (shares, places);
        }
    }
    (round(PLACES[0]), PLACES[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn lai_chau_2023_shares_add_up_at_one_decimal() {
        // KH 1563 §III, million VND. By hand: 66.550 / 4.916.475 = 1,354 % → 1,4; 23.704 → 0,482
        // → 0,5; 46.539 → 0,947 → 0,9; 39.106 → 0,795 → 0,8; 475.827 → 9,678 → 9,7; 1.146.319
        // → 23,316 → 23,3; 3.000.000 → 61,019 → 61,0; 118.430 → 2,409 → 2,4; sum 100,0.
        let amounts: Vec<Decimal> = [
            "66550", "23704", "46539", "39106", "475827", "1146319", "3000000", "118430",
        ]
        .iter()
        .map(|s| d(s))
        .collect();
        let (shares, places) = percent_shares(&amounts);
        assert_eq!(places, 1);
        let expected: Vec<Decimal> = ["1.4", "0.5", "0.9", "0.8", "9.7", "23.3", "61.0", "2.4"]
            .iter()
            .map(|s| d(s))
            .collect();
        assert_eq!(shares, expected);
        assert_eq!(shares.iter().sum::<Decimal>(), d("100"));
    }

    #[test]
    fn more_decimals_when_one_is_not_enough() {
        // 1/8, 3/8, 4/8: 12,5 + 37,5 + 50 at one decimal already exact.
        let (shares, places) = percent_shares(&[d("1"), d("3"), d("4")]);
        assert_eq!((shares, places), (vec![d("12.5"), d("37.5"), d("50.0")], 1));
        // 1/6, 1/6, 4/6 = 16,666…: half-up gives 16,7 + 16,7 + 66,7 = 100,1 at any precision
        // (…67 + …67 + …67), so largest remainder at one decimal: 16,7 + 16,6 + 66,7.
        let (shares, places) = percent_shares(&[d("1"), d("1"), d("4")]);
        assert_eq!(places, 1);
        assert_eq!(shares.iter().sum::<Decimal>(), d("100"));
        // 1/16 = 6,25 %, 15/16 = 93,75 %: one decimal gives 6,3 + 93,8 = 100,1; two are exact.
        let (shares, places) = percent_shares(&[d("1"), d("15")]);
        assert_eq!((shares, places), (vec![d("6.25"), d("93.75")], 2));
    }

    #[test]
    fn zero_total_gives_zero_shares() {
        assert_eq!(
            percent_shares(&[Decimal::ZERO, Decimal::ZERO]),
            (vec![Decimal::ZERO; 2], 1)
        );
    }
}
