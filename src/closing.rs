//! Closing a criterion (đạt tiêu chí): which of a commune's candidate projects, whose gains
//! (tỷ lệ hoàn thành) on one criterion add up to 1, to fund. The one home of "the cheapest
//! projects that close a criterion", used by the planner's covers
//! ([`crate::plan`], formulation), its starting plan (heuristic), the project synthesizer's
//! calibration ([`crate::synthesize`]) and the rules simulator ([`crate::rules`]).
//!
//! Two ways, both here:
//! - [`minimal_covers`] / [`cheapest_cover`]: exhaustive over the subsets of a few candidates
//!   (the planner's covers; the synthesizer up to 12 candidates);
//! - [`cost_per_gain_order`] then [`close_in_order`]: take the candidates by cost per unit of
//!   gain until the gap is closed (the starting plan, the simulator, the synthesizer beyond 12).
//!
//! Gains are either exact decimals (synthesizer, simulator: closed when the sum is ≥ 1) or
//! solver floats (planner: closed when the sum is ≥ 1 − 10⁻⁹); see [`Gain`].

use std::cmp::Ordering;
use std::ops::{Add, Div, Sub};

use rust_decimal::Decimal;

/// A gain or a cost: exact ([`Decimal`]) or a solver float (`f64`, with the planner's 10⁻⁹
/// tolerance on "the gains add up to 1").
pub trait Gain: Copy + Add<Output = Self> + Sub<Output = Self> + Div<Output = Self> {
    /// Zero.
    fn zero() -> Self;
    /// Whether gains adding up to `self` close the criterion (reach 1).
    fn closes(self) -> bool;
    /// A total order (floats by `total_cmp`).
    fn order(&self, other: &Self) -> Ordering;
}

impl Gain for Decimal {
    fn zero() -> Self {
        Decimal::ZERO
    }
    fn closes(self) -> bool {
        self >= Decimal::ONE
    }
    fn order(&self, other: &Self) -> Ordering {
        self.cmp(other)
    }
}

impl Gain for f64 {
    fn zero() -> Self {
        0.0
    }
    fn closes(self) -> bool {
        self >= 1.0 - 1e-9
    }
    fn order(&self, other: &Self) -> Ordering {
        self.total_cmp(other)
    }
}

/// The minimal sets of candidates (indices into `gains`) whose gains close the criterion, and
/// would not without any one member; in the order of their bit masks (candidate 0 is bit 0).
/// Exhaustive: meant for a few candidates (at most 31).
pub fn minimal_covers<G: Gain>(gains: &[G]) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    for mask in 1u32..(1u32 << gains.len()) {
        let members: Vec<usize> = (0..gains.len()).filter(|i| mask & (1 << i) != 0).collect();
        let sum = members.iter().fold(G::zero(), |s, i| s + gains[*i]);
        // Closes, and would not without its smallest gain (so without any member).
        let least = members
            .iter()
            .map(|i| gains[*i])
            .reduce(|a, b| if b.order(&a) == Ordering::Less { b } else { a })
            .unwrap_or(G::zero());
        let rest = sum - least;
        if sum.closes() && !rest.closes() {
            out.push(members);
        }
    }
    out
}

/// The cheapest set of candidates (indices) that closes the criterion, with its cost; the
/// first in bit-mask order among equally cheap ones (always a minimal cover, since costs are
/// never negative). Exhaustive: meant for a few candidates.
pub fn cheapest_cover<G: Gain>(gains: &[G], costs: &[G]) -> Option<(G, Vec<usize>)> {
    let mut best: Option<(G, Vec<usize>)> = None;
    for set in minimal_covers(gains) {
        let cost = set.iter().fold(G::zero(), |s, i| s + costs[*i]);
        if best
            .as_ref()
            .is_none_or(|(b, _)| cost.order(b) == Ordering::Less)
        {
            best = Some((cost, set));
        }
    }
    best
}

/// Candidates `(id, cost, gain)` sorted by cost per unit of gain, cheapest first, ties by id.
/// Each gain counts as at least `gain_floor` (the synthesizer uses 0.01 so a tiny gain does not
/// make a project look infinitely dear; the others use zero, i.e. the gain itself).
pub fn cost_per_gain_order<G: Gain + PartialOrd>(candidates: &mut [(usize, G, G)], gain_floor: G) {
    let per_gain = |(_, cost, gain): &(usize, G, G)| {
        let g = if *gain < gain_floor {
            gain_floor
        } else {
            *gain
        };
        *cost / g
    };
    candidates.sort_by(|a, b| per_gain(a).order(&per_gain(b)).then(a.0.cmp(&b.0)));
}

/// Takes candidates `(id, gain)` in the given order until `start` plus their gains closes the
/// criterion; the ids taken, or `None` when all of them together do not close it. Nothing is
/// taken when `start` already closes it.
pub fn close_in_order<G: Gain>(
    start: G,
    candidates: impl IntoIterator<Item = (usize, G)>,
) -> Option<Vec<usize>> {
    let mut have = start;
    let mut taken = Vec::new();
    for (id, gain) in candidates {
        if have.closes() {
            break;
        }
        have = have + gain;
        taken.push(id);
    }
    have.closes().then_some(taken)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn minimal_covers_are_the_sets_that_need_every_member() {
        // Gains 0.5, 0.5, 1, 0.3. Closing sets: {0,1} (1.0), {2}, and supersets. Minimal:
        // {0,1} (mask 3), {2} (mask 4); {0,1,3} = 1.3 still closes without 3 → not minimal;
        // {0,3} = 0.8 does not close.
        let covers = minimal_covers(&[0.5, 0.5, 1.0, 0.3]);
        assert_eq!(covers, vec![vec![0, 1], vec![2]]);
        // Exact: 0.4 + 0.3 + 0.3 = 1.0 closes, and each pair is 0.6 or 0.7.
        let covers = minimal_covers(&[dec("0.4"), dec("0.3"), dec("0.3")]);
        assert_eq!(covers, vec![vec![0, 1, 2]]);
    }

    #[test]
    fn floats_close_within_the_tolerance_decimals_exactly() {
        // 0.1 × 10 in floats is 0.9999999999999999: within 1e-9 of 1, so it closes.
        assert!(close_in_order(0.0, (0..10).map(|i| (i, 0.1))).is_some());
        assert!(!dec("0.999999999999").closes());
        assert!(0.999_999_999_5_f64.closes());
        assert!(!0.999_99_f64.closes());
    }

    #[test]
    fn the_cheapest_cover_beats_the_cheapest_per_gain() {
        // Gains 0.6 (cost 60), 0.5 (cost 40), 0.5 (cost 45). Per gain: 80, 100, 90, so the
        // greedy way takes 1 then 2 (cost 85, gain 1.0)... the exhaustive way finds
        // {1,2} = 85 against {0,1} = 100 and {0,2} = 105: also 85 here. With the second at 50:
        // {1,2} = 95, {0,1} = 110, {0,2} = 105 → {1,2}.
        let gains = [dec("0.6"), dec("0.5"), dec("0.5")];
        let costs = [dec("60"), dec("40"), dec("45")];
        assert_eq!(
            cheapest_cover(&gains, &costs),
            Some((dec("85"), vec![1, 2]))
        );
        // Gains 0.9 (cost 10), 0.1 (cost 50), 1 (cost 30): per gain 11.1, 500, 30. Greedy: 0
        // then 2 (0.9 + 1), cost 40; exhaustive: {2} alone, cost 30.
        let gains = [0.9, 0.1, 1.0];
        let costs = [10.0, 50.0, 30.0];
        assert_eq!(cheapest_cover(&gains, &costs), Some((30.0, vec![2])));
        let mut order: Vec<(usize, f64, f64)> = (0..3).map(|i| (i, costs[i], gains[i])).collect();
        cost_per_gain_order(&mut order, 0.0);
        assert_eq!(order.iter().map(|o| o.0).collect::<Vec<_>>(), vec![0, 2, 1]);
        let taken = close_in_order(0.0, order.iter().map(|o| (o.0, o.2)));
        assert_eq!(taken, Some(vec![0, 2]));
        // Nothing closes 0.5 + 0.2.
        assert_eq!(cheapest_cover(&[0.5, 0.2], &[1.0, 1.0]), None);
    }

    #[test]
    fn ties_go_to_the_first_mask_and_the_lower_id() {
        // Two single projects closing at cost 10: the first (mask 1) wins.
        let gains = [dec("1"), dec("1")];
        let costs = [dec("10"), dec("10")];
        assert_eq!(cheapest_cover(&gains, &costs), Some((dec("10"), vec![0])));
        let mut order = vec![(7, dec("10"), dec("0.5")), (3, dec("20"), dec("1"))];
        cost_per_gain_order(&mut order, Decimal::ZERO);
        // Both 20 per unit of gain: id 3 first.
        assert_eq!(order[0].0, 3);
    }

    #[test]
    fn the_gain_floor_caps_the_price_of_a_tiny_gain() {
        // Gain 0.001 at cost 1 is 1,000 per unit, dearer than 0.5 at cost 100 (200 per unit);
        // with the 0.01 floor it is 100 per unit, so it comes first.
        let mut order = vec![(0, dec("100"), dec("0.5")), (1, dec("1"), dec("0.001"))];
        cost_per_gain_order(&mut order, Decimal::ZERO);
        assert_eq!(order[0].0, 0);
        cost_per_gain_order(&mut order, dec("0.01"));
        assert_eq!(order[0].0, 1);
    }

    #[test]
    fn closing_starts_from_the_progress_already_made() {
        // 0.7 done: one 0.3 project closes the gap; nothing is needed at 1.
        let candidates = [(4, dec("0.3")), (5, dec("0.3"))];
        assert_eq!(close_in_order(dec("0.7"), candidates), Some(vec![4]));
        assert_eq!(close_in_order(dec("1"), candidates), Some(vec![]));
        assert_eq!(close_in_order(dec("0.3"), candidates), None);
    }
}
