//! Counting test (kiểm tra tính khả thi): can ANY commune × criterion 0/1 matrix give both the
//! published band counts (communes by number of criteria met) and the per-criterion counts
//! (communes meeting each criterion)?
//!
//! The test is exact, not a heuristic:
//! 1. Bands fix an interval of criteria met for each commune. Criteria whose count is not
//!    published are free columns: each commune may meet any number of them, so a commune's
//!    count over the `k` published criteria lies in `[max(lo − u, 0), min(hi, k)]` (`u`
//!    unpublished criteria).
//! 2. The total of the published counts must lie within the sums of those intervals; every
//!    count must be at most the number of communes, and (exact counts only) at least the number
//!    of communes whose interval is full (e.g. the 19-criteria band meets every criterion).
//! 3. Gale–Ryser on the integer water-filled row sums: the most even integer vector within the
//!    intervals with the published total. It is majorized by every other feasible row-sum
//!    vector, so it gives the largest capacity `Σᵢ min(rᵢ, t)` for every `t`: if it fails the
//!    test, every vector does.
//!
//! With `CountKind::AtLeast` (targets: "at least N communes meet c2") the counts are minimums:
//! a matrix meeting them exists iff one exists with row sums at most the band maxima and the
//! exact counts (drop extra ones; add ones to reach a band's minimum), so the lower ends drop
//! to zero and the test stays exact.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::bilingual::{self, Bilingual};
use crate::number::{format_count, NumberStyle};

/// Communes whose number of criteria met lies in `[min, max]` (a band, nhóm xã).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowGroup {
    /// Label, e.g. `19`, `10-14`, or `unpublished bands`.
    pub label: String,
    /// The label in Vietnamese, e.g. `nhóm 19`, `các nhóm không công bố`.
    pub label_vi: String,
    /// Fewest criteria met.
    pub min: u32,
    /// Most criteria met.
    pub max: u32,
    /// Communes in the group.
    pub communes: u32,
}

/// Whether per-criterion counts are exact (status) or minimums (targets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CountKind {
    /// Exactly this many communes meet the criterion.
    Exact,
    /// At least this many communes meet the criterion.
    AtLeast,
}

/// Input of the counting test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountingProblem {
    /// Number of criteria in the catalog (19).
    pub criteria: u32,
    /// Groups covering every commune (communes of unpublished bands in one group spanning them).
    pub groups: Vec<RowGroup>,
    /// Published count per criterion id; criteria missing here are free.
    pub counts: BTreeMap<u8, u32>,
    /// Exact or minimum counts.
    pub kind: CountKind,
}

/// Why no matrix exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Obstruction {
    /// A criterion is met by more communes than there are.
    CountAboveCommunes {
        /// Criterion id.
        criterion: u8,
        /// Its count.
        count: u32,
        /// Communes.
        communes: u64,
    },
    /// Communes that meet every criterion (e.g. band 19) outnumber a criterion's count.
    CountBelowFullRows {
        /// Criterion id.
        criterion: u8,
        /// Its count.
        count: u32,
        /// Communes meeting every criterion.
        full: u64,
    },
    /// The published counts add up to a total outside what the bands allow.
    TotalOutsideBands {
        /// Sum of the published counts.
        total: u64,
        /// Least total the bands allow over the published criteria.
        min: u64,
        /// Largest total the bands allow over the published criteria.
        max: u64,
    },
    /// The `top` criteria with the most communes need more (commune, criterion) pairs than the
    /// communes can hold (Gale–Ryser).
    GaleRyser {
        /// Number of criteria considered.
        top: u32,
        /// Those criteria, most communes first.
        criteria: Vec<u8>,
        /// Sum of their counts.
        demand: u64,
        /// `Σᵢ min(rᵢ, top)` over the water-filled row sums.
        capacity: u64,
    },
}

/// Result of the counting test, with the arithmetic that decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// A matrix exists.
    pub feasible: bool,
    /// The arithmetic, one step per line (English).
    pub steps: Vec<String>,
    /// The same steps in Vietnamese (các bước tính).
    pub steps_vi: Vec<String>,
    /// What rules it out, when infeasible.
    pub obstruction: Option<Obstruction>,
    /// Water-filled criteria met per commune over the published criteria, as
    /// `(criteria met, communes)` runs in group order (empty when the test stopped before
    /// computing them).
    pub row_sums: Vec<(u32, u32)>,
}

impl Verdict {
    /// The steps in both languages.
    pub fn lines(&self) -> Vec<Bilingual> {
        self.steps_vi
            .iter()
            .zip(&self.steps)
            .map(|(vi, en)| Bilingual::new(vi.clone(), en.clone()))
            .collect()
    }

    fn infeasible(
        mut steps: Vec<Bilingual>,
        obstruction: Obstruction,
        style: NumberStyle,
    ) -> Verdict {
        steps.push(Bilingual::new(
            obstruction.explain_vi(style),
            obstruction.explain(style),
        ));
        Verdict {
            feasible: false,
            steps: bilingual::en(&steps),
            steps_vi: bilingual::vi(&steps),
            obstruction: Some(obstruction),
            row_sums: Vec::new(),
        }
    }
}

impl Obstruction {
    /// One-line arithmetic of the obstruction (English), numbers in `style`.
    pub fn explain(&self, style: NumberStyle) -> String {
        let n = |v: u64| format_count(v, style);
        match self {
            Obstruction::CountAboveCommunes {
                criterion,
                count,
                communes,
            } => format!(
                "c{criterion}: {} communes > {} communes in all",
                n(u64::from(*count)),
                n(*communes)
            ),
            Obstruction::CountBelowFullRows {
                criterion,
                count,
                full,
            } => format!(
                "c{criterion}: {} communes < {} communes that meet every criterion",
                n(u64::from(*count)),
                n(*full)
            ),
            Obstruction::TotalOutsideBands { total, min, max } => format!(
                "published counts total {}, outside the {}..={} the bands allow",
                n(*total),
                n(*min),
                n(*max)
            ),
            Obstruction::GaleRyser {
                top,
                criteria,
                demand,
                capacity,
            } => {
                let names: Vec<String> = criteria.iter().map(|c| format!("c{c}")).collect();
                if *top == 1 {
                    return format!(
                        "{} needs {} communes, but the communes can give it at most Σ min(criteria met, 1) = {} (Gale–Ryser)",
                        names.join(""),
                        n(*demand),
                        n(*capacity)
                    );
                }
                format!(
                    "the {top} most-met criteria ({}) need {} commune-criterion pairs, but the communes hold at most Σ min(criteria met, {top}) = {} (Gale–Ryser)",
                    names.join(", "),
                    n(*demand),
                    n(*capacity)
                )
            }
        }
    }

    /// [`Obstruction::explain`] in Vietnamese, numbers in `style`.
    pub fn explain_vi(&self, style: NumberStyle) -> String {
        let n = |v: u64| format_count(v, style);
        match self {
            Obstruction::CountAboveCommunes {
                criterion,
                count,
                communes,
            } => format!(
                "c{criterion}: {} xã > tổng số {} xã",
                n(u64::from(*count)),
                n(*communes)
            ),
            Obstruction::CountBelowFullRows {
                criterion,
                count,
                full,
            } => format!(
                "c{criterion}: {} xã < {} xã đạt mọi tiêu chí",
                n(u64::from(*count)),
                n(*full)
            ),
            Obstruction::TotalOutsideBands { total, min, max } => format!(
                "tổng số xã đạt các tiêu chí được công bố là {}, ngoài khoảng {}..={} mà các nhóm cho phép",
                n(*total),
                n(*min),
                n(*max)
            ),
            Obstruction::GaleRyser {
                top,
                criteria,
                demand,
                capacity,
            } => {
                let names: Vec<String> = criteria.iter().map(|c| format!("c{c}")).collect();
                if *top == 1 {
                    return format!(
                        "{} cần {} xã, nhưng các xã chỉ cho được nhiều nhất Σ min(số tiêu chí đạt, 1) = {} (Gale–Ryser)",
                        names.join(""),
                        n(*demand),
                        n(*capacity)
                    );
                }
                format!(
                    "{top} tiêu chí có nhiều xã đạt nhất ({}) cần {} cặp xã–tiêu chí, nhưng các xã chỉ chứa được nhiều nhất Σ min(số tiêu chí đạt, {top}) = {} (Gale–Ryser)",
                    names.join(", "),
                    n(*demand),
                    n(*capacity)
                )
            }
        }
    }

    /// [`Obstruction::fix`] in Vietnamese, numbers in `style`.
    pub fn fix_vi(&self, style: NumberStyle) -> String {
        let n = |v: u64| format_count(v, style);
        match self {
            Obstruction::CountAboveCommunes {
                criterion,
                communes,
                ..
            } => format!("c{criterion} nhiều nhất là {}", n(*communes)),
            Obstruction::CountBelowFullRows {
                criterion, full, ..
            } => format!(
                "c{criterion} ít nhất là {}, hoặc ít xã đạt mọi tiêu chí hơn",
                n(*full)
            ),
            Obstruction::TotalOutsideBands { total, min, .. } if total < min => format!(
                "tăng số xã đạt các tiêu chí thêm {} tổng cộng, hoặc chuyển xã xuống nhóm thấp hơn",
                n(min - total)
            ),
            Obstruction::TotalOutsideBands { total, max, .. } => format!(
                "giảm số xã đạt các tiêu chí đi {} tổng cộng, hoặc chuyển xã lên nhóm cao hơn",
                n(total - max)
            ),
            Obstruction::GaleRyser {
                criteria,
                demand,
                capacity,
                ..
            } => {
                let names: Vec<String> = criteria.iter().map(|c| format!("c{c}")).collect();
                format!(
                    "giảm {} đi {} tổng cộng, hoặc chuyển xã lên nhóm cao hơn",
                    names.join(" + "),
                    n(demand - capacity)
                )
            }
        }
    }

    /// What would make the figures consistent (English), numbers in `style`.
    pub fn fix(&self, style: NumberStyle) -> String {
        let n = |v: u64| format_count(v, style);
        match self {
            Obstruction::CountAboveCommunes {
                criterion,
                communes,
                ..
            } => format!("c{criterion} can be at most {}", n(*communes)),
            Obstruction::CountBelowFullRows {
                criterion, full, ..
            } => format!(
                "c{criterion} must be at least {}, or fewer communes meet every criterion",
                n(*full)
            ),
            Obstruction::TotalOutsideBands { total, min, .. } if total < min => format!(
                "raise the per-criterion counts by {} in all, or move communes to lower bands",
                n(min - total)
            ),
            Obstruction::TotalOutsideBands { total, max, .. } => format!(
                "lower the per-criterion counts by {} in all, or move communes to higher bands",
                n(total - max)
            ),
            Obstruction::GaleRyser {
                criteria,
                demand,
                capacity,
                ..
            } => {
                let names: Vec<String> = criteria.iter().map(|c| format!("c{c}")).collect();
                format!(
                    "lower {} by {} in all, or move communes to higher bands",
                    names.join(" + "),
                    n(demand - capacity)
                )
            }
        }
    }
}

/// Totals of criteria met over `n` communes whose average rounds (half up) to the published
/// `average` at its published decimals: `ceil((a − h)·n) ..= ceil((a + h)·n) − 1` with `h` half
/// a unit of the last decimal. `None` when no whole total does, or on overflow.
pub fn average_window(average: Decimal, n: u32) -> Option<(u64, u64)> {
    let half = Decimal::try_new(5, average.scale() + 1).ok()?;
    let n = Decimal::from(n);
    let low = average.checked_sub(half)?.checked_mul(n)?.ceil();
    // `ceil(-0.5)` is a negative zero, which does not convert to u64.
    let low = if low.is_sign_negative() {
        Decimal::ZERO
    } else {
        low
    };
    let high_exclusive = average.checked_add(half)?.checked_mul(n)?.ceil();
    let low = u64::try_from(low).ok()?;
    let high = u64::try_from(high_exclusive).ok()?.checked_sub(1)?;
    (low <= high).then_some((low, high))
}

/// Integer water-filling over runs of communes: `runs[i] = (lo, hi, communes)` says that many
/// communes meet between `lo` and `hi` criteria. Returns the most even row sums with total
/// `total` as `(criteria met, communes)` runs in input order (a run may split in two: the
/// rows raised one level above the water line come first), or `None` when the total is
/// outside the bounds. The result is majorized by every integer vector within the bounds with
/// that total.
pub fn water_fill(runs: &[(u32, u32, u32)], total: u64) -> Option<Vec<(u32, u32)>> {
    let clamp = |level: u32, lo: u32, hi: u32| level.clamp(lo, hi.max(lo));
    let sum_at = |level: u32| -> u128 {
        runs.iter()
            .map(|&(lo, hi, n)| u128::from(clamp(level, lo, hi)) * u128::from(n))
            .sum()
    };
    let top = runs.iter().map(|r| r.1.max(r.0)).max().unwrap_or(0);
    let total = u128::from(total);
    if total < sum_at(0) || total > sum_at(top) {
        return None;
    }
    // Highest level whose clamped sum does not exceed the total (the water line).
    let (mut low, mut high) = (0u32, top);
    while low < high {
        let mid = low + (high - low).div_ceil(2);
        if sum_at(mid) <= total {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    // Fewer rows than can rise are left over: raise the earliest ones by one.
    let mut rest = total - sum_at(low);
    let mut out = Vec::new();
    for &(lo, hi, n) in runs {
        if lo <= low && low < hi && rest > 0 {
            let raised = u32::try_from(rest.min(u128::from(n))).unwrap_or(n);
            rest -= u128::from(raised);
            out.push((low + 1, raised));
            if raised < n {
                out.push((low, n - raised));
            }
        } else if n > 0 {
            out.push((clamp(low, lo, hi), n));
        }
    }
    Some(out)
}

/// Gale–Ryser test of row sums, given as `(criteria met, communes)` runs, against
/// `(criterion, count)` column sums (both totals assumed equal): the first `t` whose `t` largest
/// counts (ties by criterion id) need more pairs than `Σᵢ min(rᵢ, t)`, as an
/// [`Obstruction::GaleRyser`]; `None` when a 0/1 matrix with those margins exists.
pub fn gale_ryser(row_sums: &[(u32, u32)], counts: &[(u8, u32)]) -> Option<Obstruction> {
    let mut sorted = counts.to_vec();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut demand = 0u64;
    for (t, &(_, count)) in sorted.iter().enumerate() {
        let top = u32::try_from(t + 1).unwrap_or(u32::MAX);
        demand += u64::from(count);
        let capacity: u64 = row_sums
            .iter()
            .map(|&(level, n)| u64::from(level.min(top)).saturating_mul(u64::from(n)))
            .fold(0u64, u64::saturating_add);
        if demand > capacity {
            return Some(Obstruction::GaleRyser {
                top,
                criteria: sorted[..=t].iter().map(|(c, _)| *c).collect(),
                demand,
                capacity,
            });
        }
    }
    None
}

/// Runs the counting test; the arithmetic's numbers are written in `style`.
pub fn check(problem: &CountingProblem, style: NumberStyle) -> Verdict {
    let n = |v: u64| format_count(v, style);
    let communes: u64 = problem.groups.iter().map(|g| u64::from(g.communes)).sum();
    let known = u32::try_from(problem.counts.len()).unwrap_or(u32::MAX);
    let free = problem.criteria.saturating_sub(known);
    let mut steps = Vec::new();
    let (counts_vi, counts) = match problem.kind {
        CountKind::Exact => ("số xã đạt", "counts"),
        CountKind::AtLeast => ("số xã đạt tối thiểu", "minimum counts"),
    };
    let (free_vi, free_en) = if free > 0 {
        (
            format!(" ({free} tiêu chí tự do)"),
            format!(" ({free} free)"),
        )
    } else {
        (String::new(), String::new())
    };
    steps.push(Bilingual::new(
        format!(
            "{} xã; {known} trong {} tiêu chí có {counts_vi} được công bố{free_vi}",
            n(communes),
            problem.criteria,
        ),
        format!(
            "{} communes; {known} of {} criteria have published {counts}{free_en}",
            n(communes),
            problem.criteria,
        ),
    ));
    for (&criterion, &count) in &problem.counts {
        if u64::from(count) > communes {
            return Verdict::infeasible(
                steps,
                Obstruction::CountAboveCommunes {
                    criterion,
                    count,
                    communes,
                },
                style,
            );
        }
    }
    // Bounds over the published criteria: free criteria absorb up to `free` of a commune's count.
    let runs: Vec<(u32, u32, u32)> = problem
        .groups
        .iter()
        .map(|g| {
            let lo = match problem.kind {
                CountKind::Exact => g.min.saturating_sub(free).min(known),
                CountKind::AtLeast => 0,
            };
            (lo, g.max.min(known).max(lo), g.communes)
        })
        .collect();
    if problem.kind == CountKind::Exact {
        let full: u64 = problem
            .groups
            .iter()
            .filter(|g| g.min >= problem.criteria)
            .map(|g| u64::from(g.communes))
            .sum();
        if full > 0 {
            steps.push(Bilingual::new(
                format!(
                    "{} xã đạt mọi tiêu chí, nên số xã đạt mỗi tiêu chí ít nhất là {}",
                    n(full),
                    n(full)
                ),
                format!(
                    "{} communes meet every criterion, so every count is at least {}",
                    n(full),
                    n(full)
                ),
            ));
            for (&criterion, &count) in &problem.counts {
                if u64::from(count) < full {
                    return Verdict::infeasible(
                        steps,
                        Obstruction::CountBelowFullRows {
                            criterion,
                            count,
                            full,
                        },
                        style,
                    );
                }
            }
        }
    }
    let total: u64 = problem.counts.values().map(|&c| u64::from(c)).sum();
    let sum_of = |f: fn(&(u32, u32, u32)) -> u32| -> u64 {
        runs.iter()
            .map(|r| u64::from(f(r)).saturating_mul(u64::from(r.2)))
            .fold(0u64, u64::saturating_add)
    };
    let (min, max) = (sum_of(|r| r.0), sum_of(|r| r.1));
    let ranges = |label: fn(&RowGroup) -> String| -> String {
        problem
            .groups
            .iter()
            .zip(&runs)
            .filter(|(g, _)| g.communes > 0)
            .map(|(g, (lo, hi, count))| {
                format!("{} × [{lo}, {hi}] ({})", n(u64::from(*count)), label(g))
            })
            .collect::<Vec<_>>()
            .join(" + ")
    };
    steps.push(Bilingual::new(
        format!(
            "số tiêu chí đạt của mỗi xã, trong các tiêu chí được công bố: {} → tổng {}..={}",
            ranges(|g| g.label_vi.clone()),
            n(min),
            n(max)
        ),
        format!(
            "criteria met per commune over the published criteria: {} → total {}..={}",
            ranges(|g| g.label.clone()),
            n(min),
            n(max)
        ),
    ));
    steps.push(Bilingual::new(
        format!("tổng {counts_vi} được công bố: {}", n(total)),
        format!("published {counts} total {}", n(total)),
    ));
    let in_range = match problem.kind {
        CountKind::Exact => (min..=max).contains(&total),
        CountKind::AtLeast => total <= max,
    };
    let filled = if in_range {
        water_fill(&runs, total)
    } else {
        None
    };
    let Some(rows) = filled else {
        return Verdict::infeasible(
            steps,
            Obstruction::TotalOutsideBands { total, min, max },
            style,
        );
    };
    let mut levels: BTreeMap<u32, u64> = BTreeMap::new();
    for &(level, n) in &rows {
        *levels.entry(level).or_default() += u64::from(n);
    }
    let spread: Vec<String> = levels
        .iter()
        .rev()
        .map(|(level, count)| format!("{} × {level}", n(*count)))
        .collect();
    steps.push(Bilingual::new(
        format!(
            "số tiêu chí đạt của các xã chia đều nhất với tổng đó (san đều): {}",
            spread.join(" + ")
        ),
        format!(
            "most even row sums with that total (water-filling): {}",
            spread.join(" + ")
        ),
    ));
    let counts: Vec<(u8, u32)> = problem.counts.iter().map(|(&c, &n)| (c, n)).collect();
    if let Some(obstruction) = gale_ryser(&rows, &counts) {
        return Verdict::infeasible(steps, obstruction, style);
    }
    steps.push(Bilingual::new(
        format!(
            "Gale–Ryser đúng với mọi t = 1..={known}: Σ t số xã đạt lớn nhất ≤ Σ min(số tiêu chí đạt của xã, t)"
        ),
        format!(
            "Gale–Ryser holds for every t = 1..={known}: Σ of the t largest counts ≤ Σ min(row sum, t)"
        ),
    ));
    Verdict {
        feasible: true,
        steps: bilingual::en(&steps),
        steps_vi: bilingual::vi(&steps),
        obstruction: None,
        row_sums: rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The counting test with its arithmetic in Vietnamese number style.
    fn check(problem: &CountingProblem) -> Verdict {
        super::check(problem, NumberStyle::Vietnamese)
    }

    fn group(label: &str, min: u32, max: u32, communes: u32) -> RowGroup {
        RowGroup {
            label: label.into(),
            label_vi: label.into(),
            min,
            max,
            communes,
        }
    }

    /// Brute force over all 0/1 matrices of a tiny problem.
    fn brute(
        groups: &[RowGroup],
        criteria: u32,
        counts: &BTreeMap<u8, u32>,
        kind: CountKind,
    ) -> bool {
        let rows: Vec<(u32, u32)> = groups
            .iter()
            .flat_map(|g| std::iter::repeat_n((g.min, g.max), g.communes as usize))
            .collect();
        let cells = rows.len() as u32 * criteria;
        (0u32..1 << cells).any(|m| {
            let bit = |i: usize, j: u32| m >> (i as u32 * criteria + j) & 1;
            rows.iter().enumerate().all(|(i, &(lo, hi))| {
                let s: u32 = (0..criteria).map(|j| bit(i, j)).sum();
                lo <= s && s <= hi
            }) && counts.iter().all(|(&c, &n)| {
                let met: u32 = (0..rows.len()).map(|i| bit(i, u32::from(c) - 1)).sum();
                match kind {
                    CountKind::Exact => met == n,
                    CountKind::AtLeast => met >= n,
                }
            })
        })
    }

    #[test]
    fn water_fill_is_most_even() {
        assert_eq!(
            water_fill(&[(0, 5, 1), (2, 2, 1), (0, 1, 1)], 6),
            Some(vec![(3, 1), (2, 1), (1, 1)])
        );
        // Two rows in [0, 3] with total 5: one at 3, one at 2.
        assert_eq!(water_fill(&[(0, 3, 2)], 5), Some(vec![(3, 1), (2, 1)]));
        assert_eq!(water_fill(&[(0, 3, 2)], 7), None);
        assert_eq!(water_fill(&[(2, 3, 1)], 1), None);
        // Huge counts do not overflow.
        assert_eq!(
            water_fill(&[(0, 19, u32::MAX)], 19 * u64::from(u32::MAX)),
            Some(vec![(19, u32::MAX)])
        );
    }

    #[test]
    fn water_fill_is_as_even_as_the_bounds_allow() {
        // 3 rows in [0,5], [2,2], [4,9] summing to 12: level 5 gives 5+2+5 = 12.
        let rows = [(0, 5, 1), (2, 2, 1), (4, 9, 1)];
        assert_eq!(water_fill(&rows, 12), Some(vec![(5, 1), (2, 1), (5, 1)]));
        // Sum 13: level 5 gives 12, one more goes to the first row that can grow (the third).
        assert_eq!(water_fill(&rows, 13), Some(vec![(5, 1), (2, 1), (6, 1)]));
        // Out of range: at most 5 + 2 + 9 = 16.
        assert_eq!(water_fill(&rows, 17), None);
        assert_eq!(
            water_fill(&[(3, 3, 1), (3, 3, 1)], 6),
            Some(vec![(3, 1), (3, 1)])
        );
    }

    #[test]
    fn gale_ryser_by_hand() {
        // Rows 2,1 and columns 2,1: [[1,1],[1,0]] exists.
        assert_eq!(gale_ryser(&[(2, 1), (1, 1)], &[(1, 2), (2, 1)]), None);
        // Rows 2,0 and columns 2,0: column 1 needs both rows but row 2 has no ones.
        assert_eq!(
            gale_ryser(&[(2, 1), (0, 1)], &[(1, 2), (2, 0)]),
            Some(Obstruction::GaleRyser {
                top: 1,
                criteria: vec![1],
                demand: 2,
                capacity: 1
            })
        );
    }

    #[test]
    fn gale_ryser_catches_what_totals_miss() {
        // Two communes meet exactly 2 of 3 criteria, one meets none: row sums (2, 2, 0), total 4.
        // Counts (2, 2, 0) fit. Counts (3, 1, 0) also total 4 and are each ≤ 3 communes, but c1
        // alone needs 3 pairs while Σ min(rᵢ, 1) = 1 + 1 + 0 = 2.
        let g = vec![group("a", 2, 2, 2), group("b", 0, 0, 1)];
        let counts = BTreeMap::from([(1, 2), (2, 2), (3, 0)]);
        let v = check(&CountingProblem {
            criteria: 3,
            groups: g.clone(),
            counts,
            kind: CountKind::Exact,
        });
        assert!(v.feasible, "{:?}", v.steps);
        let counts = BTreeMap::from([(1, 3), (2, 1), (3, 0)]);
        let v = check(&CountingProblem {
            criteria: 3,
            groups: g,
            counts,
            kind: CountKind::Exact,
        });
        assert!(!v.feasible);
        assert_eq!(
            v.obstruction,
            Some(Obstruction::GaleRyser {
                top: 1,
                criteria: vec![1],
                demand: 3,
                capacity: 2
            })
        );
        // The same steps in Vietnamese, one for one: 3 communes, all 3 counts published, and
        // the obstruction last.
        assert_eq!(v.steps_vi.len(), v.steps.len());
        assert_eq!(v.lines().len(), v.steps.len());
        assert_eq!(
            v.steps_vi[0],
            "3 xã; 3 trong 3 tiêu chí có số xã đạt được công bố"
        );
        assert_eq!(
            v.steps[0],
            "3 communes; 3 of 3 criteria have published counts"
        );
        assert_eq!(
            v.steps_vi.last().map(String::as_str),
            Some("c1 cần 3 xã, nhưng các xã chỉ cho được nhiều nhất Σ min(số tiêu chí đạt, 1) = 2 (Gale–Ryser)")
        );
    }

    #[test]
    fn national_scale_is_instant() {
        // 7,669 communes, 6,084 at standard (mid-2025): runs keep the test O(groups × levels).
        let groups = vec![
            group("19", 19, 19, 6084),
            group("15-18", 15, 18, 1200),
            group("10-14", 10, 14, 385),
        ];
        let counts: BTreeMap<u8, u32> = (1..=19).map(|c| (c, 7000 + u32::from(c) * 30)).collect();
        let v = check(&CountingProblem {
            criteria: 19,
            groups,
            counts,
            kind: CountKind::Exact,
        });
        assert!(v.feasible, "{:?}", v.steps);
        let communes: u32 = v.row_sums.iter().map(|r| r.1).sum();
        assert_eq!(communes, 7669);
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_brute_force(
            bands in proptest::collection::vec((0u32..=3, 0u32..=3, 0u32..=2), 1..=3),
            counts in proptest::collection::vec(proptest::option::of(0u32..=4), 3),
            at_least: bool,
        ) {
            let kind = if at_least { CountKind::AtLeast } else { CountKind::Exact };
            let groups: Vec<RowGroup> = bands
                .iter()
                .map(|&(a, b, n)| group("g", a.min(b), a.max(b), n))
                .collect();
            let n: u32 = groups.iter().map(|g| g.communes).sum();
            proptest::prop_assume!(n * 3 <= 15);
            let counts: BTreeMap<u8, u32> = counts
                .iter()
                .enumerate()
                .filter_map(|(i, c)| c.map(|c| (i as u8 + 1, c)))
                .collect();
            let v = check(&CountingProblem { criteria: 3, groups: groups.clone(), counts: counts.clone(), kind });
            proptest::prop_assert_eq!(v.feasible, brute(&groups, 3, &counts, kind), "{:?}", v.steps);
        }
    }
}
