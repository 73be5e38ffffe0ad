//! Exact synthesis of a 0/1 commune × criterion matrix (ma trận xã × tiêu chí) from the
//! aggregates a plan publishes: communes per band, communes meeting each criterion, average
//! criteria per commune.
//!
//! Method (exact, no search):
//! 1. every commune gets an interval of criteria met from its band (standard = all criteria);
//! 2. the total number of criteria met `T` comes from the per-criterion counts, or from the
//!    average (within the rounding of the published figure) when some counts are unknown;
//! 3. unknown criterion counts are water-filled between "communes at standard" and "all
//!    communes" ([`consistency::water_fill`]), then the counting test ([`consistency::check`])
//!    water-fills the row sums inside the intervals and applies Gale–Ryser to them, an exact
//!    feasibility test since the most even row sums are majorized by every feasible vector;
//! 4. Ryser's greedy builds the matrix: criteria in descending order of count, each filled into
//!    the communes with the most criteria still to place, ties broken by a seeded RNG.
//!
//! When no matrix exists the result lists which published figures cannot hold together, with
//! the arithmetic.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::consistency::{self, CountKind, CountingProblem, Obstruction, RowGroup};

/// A band of communes by criteria met, with its published count if any (nhóm xã).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BandCount {
    /// Band id, e.g. `15-18`.
    pub id: String,
    /// Fewest criteria.
    pub min: u32,
    /// Most criteria.
    pub max: u32,
    /// Communes in the band, when published.
    pub count: Option<u32>,
}

/// The aggregates a matrix must reproduce (số liệu tổng hợp).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Margins {
    /// Communes (rows).
    pub communes: u32,
    /// Communes at standard (all criteria met), when published.
    pub standard: Option<u32>,
    /// Bands of the catalog, highest first, with published counts.
    pub bands: Vec<BandCount>,
    /// Criterion ids (columns) with their published count, `None` when unknown.
    pub criteria: Vec<(u8, Option<u32>)>,
    /// Average criteria per commune as published (its decimal places give its rounding).
    pub average: Option<Decimal>,
}

/// Which published figure a conflict involves: section and key in `scenario.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figure {
    /// Table, e.g. `published.criteria`.
    pub section: String,
    /// Key, e.g. `c10`.
    pub key: String,
}

impl Figure {
    fn new(section: &str, key: &str) -> Figure {
        Figure {
            section: section.into(),
            key: key.into(),
        }
    }
}

/// Published figures that cannot hold together, and why (mâu thuẫn số liệu).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    /// The figures involved.
    pub figures: Vec<Figure>,
    /// The arithmetic.
    pub message: String,
}

/// A matrix reproducing the margins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    /// Criteria met per commune (row sums).
    pub rows: Vec<u32>,
    /// Communes meeting each criterion, in the order of `Margins::criteria`.
    pub columns: Vec<u32>,
    /// Total criteria met.
    pub total: u32,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<bool>>,
}

fn conflict(figures: Vec<Figure>, message: String) -> Conflict {
    Conflict { figures, message }
}

fn communes_figure() -> Figure {
    Figure::new("published", "communes")
}

fn band_figure(id: &str) -> Figure {
    Figure::new("published.bands", id)
}

fn criterion_figure(id: u8) -> Figure {
    Figure::new("published.criteria", &format!("c{id}"))
}

/// Rows grouped by interval from the bands; also the number of communes at standard.
fn row_groups(m: &Margins, width: u32) -> Result<(Vec<RowGroup>, u32), Vec<Conflict>> {
    let mut conflicts = Vec::new();
    let mut bands = m.bands.clone();
    if let Some(standard) = m.standard {
        match bands.iter_mut().find(|b| b.min == width && b.max == width) {
            Some(top) => match top.count {
                Some(count) if count != standard => conflicts.push(conflict(
                    vec![Figure::new("published", "standard"), band_figure(&top.id)],
                    format!(
                        "{standard} communes are at standard but band {} (all {width} criteria) has {count}",
                        top.id
                    ),
                )),
                _ => top.count = Some(standard),
            },
            None => bands.push(BandCount {
                id: width.to_string(),
                min: width,
                max: width,
                count: Some(standard),
            }),
        }
    }
    let n = m.communes;
    let known: u32 = bands.iter().filter_map(|b| b.count).sum();
    let unknown: Vec<&BandCount> = bands.iter().filter(|b| b.count.is_none()).collect();
    let known_figures: Vec<Figure> = bands
        .iter()
        .filter(|b| b.count.is_some())
        .map(|b| band_figure(&b.id))
        .chain(std::iter::once(communes_figure()))
        .collect();
    let listing = bands
        .iter()
        .filter_map(|b| b.count.map(|c| format!("{c} ({})", b.id)))
        .collect::<Vec<_>>()
        .join(" + ");
    if known > n || (unknown.is_empty() && known != n) {
        conflicts.push(conflict(
            known_figures,
            format!("the bands count {listing} = {known} communes, but there are {n} communes"),
        ));
    }
    let mut groups: Vec<RowGroup> = bands
        .iter()
        .filter_map(|b| {
            b.count.map(|communes| RowGroup {
                label: b.id.clone(),
                label_vi: b.id.clone(),
                min: b.min.min(width),
                max: b.max.min(width),
                communes,
            })
        })
        .filter(|g| g.communes > 0)
        .collect();
    let rest = n.saturating_sub(known);
    if rest > 0 && !unknown.is_empty() {
        let lo = unknown.iter().map(|b| b.min).min().unwrap_or(0);
        let hi = unknown
            .iter()
            .map(|b| b.max)
            .max()
            .unwrap_or(width)
            .min(width);
        let covered: u32 = unknown.iter().map(|b| b.max.min(width) + 1 - b.min).sum();
        if covered != hi + 1 - lo {
            let ids: Vec<&str> = unknown.iter().map(|b| b.id.as_str()).collect();
            conflicts.push(conflict(
                vec![communes_figure()],
                format!(
                    "{rest} communes fall in the unpublished bands {}, which are not adjacent; \
                     the exact method needs them to form one range",
                    ids.join(", ")
                ),
            ));
        }
        groups.push(RowGroup {
            label: "unpublished bands".into(),
            label_vi: "các nhóm không công bố".into(),
            min: lo,
            max: hi,
            communes: rest,
        });
    }
    let standard = groups
        .iter()
        .filter(|g| g.min == width)
        .map(|g| g.communes)
        .sum::<u32>();
    groups.sort_by(|a, b| b.max.cmp(&a.max).then(b.min.cmp(&a.min)));
    if conflicts.is_empty() {
        Ok((groups, standard))
    } else {
        Err(conflicts)
    }
}

/// Values from `(value, repeats)` runs, in run order.
fn expand(runs: &[(u32, u32)]) -> Vec<u32> {
    runs.iter()
        .flat_map(|&(value, n)| std::iter::repeat_n(value, n as usize))
        .collect()
}

/// Spreads water-filled row sums by seeded random moves of one criterion from one commune to
/// another, kept only when the bounds and the Gale–Ryser condition still hold: the most even
/// vector proves feasibility, but real provinces are not that even.
fn spread(
    mut rows: Vec<u32>,
    bounds: &[(u32, u32)],
    counts: &[(u8, u32)],
    rng: &mut ChaCha8Rng,
) -> Vec<u32> {
    let n = rows.len();
    if n < 2 {
        return rows;
    }
    for _ in 0..4 * n {
        let (up, down) = (rng.random_range(0..n), rng.random_range(0..n));
        if up == down || rows[up] >= bounds[up].1 || rows[down] <= bounds[down].0 {
            continue;
        }
        rows[up] += 1;
        rows[down] -= 1;
        let runs: Vec<(u32, u32)> = rows.iter().map(|&r| (r, 1)).collect();
        if consistency::gale_ryser(&runs, counts).is_some() {
            rows[up] -= 1;
            rows[down] += 1;
        }
    }
    rows
}

/// Ryser's greedy construction: columns in descending order, each filled into the rows with the
/// most ones still to place; ties broken by `rng`. `None` if the margins are not realizable.
pub fn ryser_fill(rows: &[u32], columns: &[u32], rng: &mut ChaCha8Rng) -> Option<Vec<Vec<bool>>> {
    let mut cells = vec![vec![false; columns.len()]; rows.len()];
    let mut remaining: Vec<u32> = rows.to_vec();
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by(|a, b| columns[*b].cmp(&columns[*a]).then(a.cmp(b)));
    for j in order {
        let priority: Vec<u64> = (0..rows.len()).map(|_| rng.random()).collect();
        let mut candidates: Vec<usize> = (0..rows.len()).filter(|i| remaining[*i] > 0).collect();
        candidates.sort_by(|a, b| {
            remaining[*b]
                .cmp(&remaining[*a])
                .then(priority[*a].cmp(&priority[*b]))
        });
        let need = columns[j] as usize;
        if candidates.len() < need {
            return None;
        }
        for &i in &candidates[..need] {
            cells[i][j] = true;
            remaining[i] -= 1;
        }
    }
    remaining.iter().all(|r| *r == 0).then_some(cells)
}

fn show(average: Decimal) -> String {
    average.to_string().replace('.', ",")
}

/// Builds a matrix that reproduces `margins` exactly, or lists the figures that cannot hold
/// together. `width` is the number of criteria of the catalog; `seed` drives the tie-breaks.
pub fn solve(margins: &Margins, width: u32, seed: u64) -> Result<Matrix, Vec<Conflict>> {
    let n = margins.communes;
    let mut conflicts = Vec::new();
    let groups = row_groups(margins, width);
    let (groups, standard) = match groups {
        Ok(g) => g,
        Err(mut c) => {
            conflicts.append(&mut c);
            (Vec::new(), margins.standard.unwrap_or(0))
        }
    };
    for (id, count) in &margins.criteria {
        let Some(count) = *count else { continue };
        if count > n {
            conflicts.push(conflict(
                vec![criterion_figure(*id), communes_figure()],
                format!("c{id} = {count} but there are only {n} communes"),
            ));
        } else if count < standard {
            conflicts.push(conflict(
                vec![criterion_figure(*id), Figure::new("published", "standard")],
                format!(
                    "c{id} = {count} but {standard} communes are at standard, and a commune at standard meets every criterion"
                ),
            ));
        }
    }
    if !conflicts.is_empty() {
        return Err(conflicts);
    }
    let row_low: u32 = groups.iter().map(|g| g.min * g.communes).sum();
    let row_high: u32 = groups.iter().map(|g| g.max * g.communes).sum();
    let known: u32 = margins.criteria.iter().filter_map(|c| c.1).sum();
    let unknown = margins.criteria.iter().filter(|c| c.1.is_none()).count() as u32;
    let (col_low, col_high) = (known + unknown * standard, known + unknown * n);
    let band_figures: Vec<Figure> = margins
        .bands
        .iter()
        .filter(|b| b.count.is_some())
        .map(|b| band_figure(&b.id))
        .collect();
    let column_figures: Vec<Figure> = margins
        .criteria
        .iter()
        .filter(|c| c.1.is_some())
        .map(|c| criterion_figure(c.0))
        .collect();
    let columns_say = if unknown == 0 {
        format!("the per-criterion counts sum to {known}")
    } else {
        format!(
            "the per-criterion counts allow {col_low}..{col_high} ({known} published, {unknown} unknown between {standard} and {n} each)"
        )
    };
    let bands_say = format!("the bands allow {row_low}..{row_high} criteria met in total");
    if col_high < row_low || col_low > row_high {
        conflicts.push(conflict(
            [band_figures.clone(), column_figures.clone()].concat(),
            format!("{bands_say}, but {columns_say}"),
        ));
    }
    let mut low = row_low.max(col_low);
    let mut high = row_high.min(col_high);
    let mut aim = Decimal::from(low + high) / Decimal::TWO;
    if let Some(average) = margins.average {
        // An empty window shows as 1..0 and is reported below.
        let (a_low, a_high) = consistency::average_window(average, n).map_or((1, 0), |(l, h)| {
            (l as u32, h.min(u64::from(u32::MAX)) as u32)
        });
        let exact = average * Decimal::from(n);
        let average_say = format!(
            "average {} × {n} communes = {} ({a_low}..{a_high} within the rounding of {})",
            show(average),
            show(exact.normalize()),
            show(average)
        );
        let average_figure = Figure::new("published", "average_criteria");
        if a_low > a_high {
            conflicts.push(conflict(
                vec![average_figure.clone(), communes_figure()],
                format!(
                    "average {} × {n} communes = {}, and no whole number of criteria met divided by {n} rounds to {}",
                    show(average),
                    show(exact.normalize()),
                    show(average)
                ),
            ));
        } else if a_high < col_low || a_low > col_high {
            conflicts.push(conflict(
                [vec![average_figure.clone()], column_figures.clone()].concat(),
                format!("{average_say}, but {columns_say}"),
            ));
        }
        if a_low <= a_high && (a_high < row_low || a_low > row_high) {
            conflicts.push(conflict(
                [vec![average_figure], band_figures.clone()].concat(),
                format!("{average_say}, but {bands_say}"),
            ));
        }
        low = low.max(a_low);
        high = high.min(a_high);
        aim = exact;
    }
    if !conflicts.is_empty() {
        return Err(conflicts);
    }
    let mut totals: Vec<u32> = (low..=high).collect();
    totals.sort_by_key(|t| ((Decimal::from(*t) - aim).abs(), *t));
    let row_bounds: Vec<(u32, u32)> = groups
        .iter()
        .flat_map(|g| std::iter::repeat_n((g.min, g.max), g.communes as usize))
        .collect();
    let mut first_violation = None;
    for total in totals {
        let unknown_runs = [(standard, n, unknown)];
        let Some(filled) = consistency::water_fill(&unknown_runs, u64::from(total - known)) else {
            continue;
        };
        let mut filled = expand(&filled).into_iter();
        let columns: Vec<u32> = margins
            .criteria
            .iter()
            .map(|c| c.1.or_else(|| filled.next()).unwrap_or(0))
            .collect();
        let counts: Vec<(u8, u32)> = margins
            .criteria
            .iter()
            .map(|c| c.0)
            .zip(columns.iter().copied())
            .collect();
        let verdict = consistency::check(
            &CountingProblem {
                criteria: width,
                groups: groups.clone(),
                counts: counts.iter().copied().collect(),
                kind: CountKind::Exact,
            },
            // Only the verdict is used here, not the arithmetic's text.
            crate::number::NumberStyle::Vietnamese,
        );
        let rows = match verdict.obstruction {
            None => expand(&verdict.row_sums),
            Some(Obstruction::GaleRyser {
                top,
                criteria,
                demand,
                capacity,
            }) => {
                first_violation.get_or_insert((top, criteria, demand, capacity, counts));
                continue;
            }
            // The counts were checked against the communes above: only a total outside the
            // bands' range is left, and that total does not fit.
            Some(_) => continue,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let rows = spread(rows, &row_bounds, &counts, &mut rng);
        return match ryser_fill(&rows, &columns, &mut rng) {
            Some(cells) => Ok(Matrix {
                rows,
                columns,
                total,
                cells,
            }),
            None => Err(vec![conflict(
                Vec::new(),
                "internal error: the greedy construction failed on feasible margins".into(),
            )]),
        };
    }
    let message = match first_violation {
        Some((top, criteria, demand, capacity, counts)) => {
            let count_of: BTreeMap<u8, u32> = counts.into_iter().collect();
            let named: Vec<String> = criteria
                .iter()
                .map(|id| format!("c{id} {}", count_of.get(id).copied().unwrap_or(0)))
                .collect();
            format!(
                "the {top} criteria met most often ({}) are met {demand} times in total, but with the band counts \
                 the communes can meet at most {capacity} of them (each commune at most min(its criteria, {top}))",
                named.join(", "),
            )
        }
        None => format!(
            "no total of criteria met fits the bands ({row_low}..{row_high}) and the counts"
        ),
    };
    Err(vec![conflict(
        [band_figures, column_figures].concat(),
        message,
    )])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bands(counts: [Option<u32>; 5]) -> Vec<BandCount> {
        let spec = [
            ("19", 19, 19),
            ("15-18", 15, 18),
            ("10-14", 10, 14),
            ("5-9", 5, 9),
            ("0-4", 0, 4),
        ];
        spec.iter()
            .zip(counts)
            .map(|((id, min, max), count)| BandCount {
                id: (*id).into(),
                min: *min,
                max: *max,
                count,
            })
            .collect()
    }

    #[test]
    fn small_province_is_reproduced() {
        // 3 criteria (width 3), 4 communes: 1 at standard (3 criteria), the rest 1..2.
        // Columns 3, 2, 2 = 7 = 3 + (2 + 1 + 1): water-filling gives rows 3, 2, 1, 1.
        let m = Margins {
            communes: 4,
            standard: Some(1),
            bands: vec![
                BandCount {
                    id: "3".into(),
                    min: 3,
                    max: 3,
                    count: None,
                },
                BandCount {
                    id: "1-2".into(),
                    min: 1,
                    max: 2,
                    count: Some(3),
                },
                BandCount {
                    id: "0".into(),
                    min: 0,
                    max: 0,
                    count: Some(0),
                },
            ],
            criteria: vec![(1, Some(3)), (2, Some(2)), (3, Some(2))],
            average: None,
        };
        let x = solve(&m, 3, 7).unwrap();
        assert_eq!(x.total, 7);
        assert_eq!(x.rows[0], 3);
        assert_eq!(x.rows.iter().sum::<u32>(), 7);
        assert!(x.rows[1..].iter().all(|r| (1..=2).contains(r)));
        for (j, want) in [3, 2, 2].iter().enumerate() {
            assert_eq!(x.cells.iter().filter(|r| r[j]).count(), *want);
        }
        assert_eq!(solve(&m, 3, 7), Ok(x), "same seed, same matrix");
    }

    #[test]
    fn unknown_counts_follow_the_average() {
        // Lai Châu 2022 shape: 94 communes, bands 39/0/15/40/0, average 12,5; c1 and c12 unknown.
        let known = [
            52, 91, 79, 54, 56, 94, 72, 49, 39, 39, 45, 39, 46, 81, 40, 81, 92,
        ];
        let mut criteria: Vec<(u8, Option<u32>)> = vec![(1, None)];
        criteria.extend((2..=11).zip(known[..10].iter().map(|c| Some(*c))));
        criteria.push((12, None));
        criteria.extend((13..=19).zip(known[10..].iter().map(|c| Some(*c))));
        let m = Margins {
            communes: 94,
            standard: Some(39),
            bands: bands([Some(39), Some(0), Some(15), Some(40), Some(0)]),
            criteria,
            average: Some(Decimal::new(125, 1)),
        };
        let x = solve(&m, 19, 1).unwrap();
        // 12.5 × 94 = 1175; the 17 known counts sum to 1049, so c1 + c12 = 126 = 63 + 63.
        assert_eq!(x.total, 1175);
        assert_eq!((x.columns[0], x.columns[11]), (63, 63));
        assert_eq!(x.rows.iter().filter(|r| **r == 19).count(), 39);
    }

    #[test]
    fn impossible_figures_are_explained() {
        // 10 communes, 2 at standard, the other 8 at 5-9 criteria: totals 38 + 40..72 = 78..110.
        let mut criteria: Vec<(u8, Option<u32>)> = (1..=19).map(|id| (id, Some(2))).collect();
        criteria[9].1 = Some(1); // c10 = 1 < 2 communes at standard
        let m = Margins {
            communes: 10,
            standard: Some(2),
            bands: bands([None, Some(0), Some(0), Some(8), Some(0)]),
            criteria,
            average: None,
        };
        let e = solve(&m, 19, 0).unwrap_err();
        assert_eq!(
            e[0].message,
            "c10 = 1 but 2 communes are at standard, and a commune at standard meets every criterion"
        );
        // Fix c10: counts sum to 38, below the 78 the bands need.
        let mut m2 = m.clone();
        m2.criteria[9].1 = Some(2);
        let e = solve(&m2, 19, 0).unwrap_err();
        assert_eq!(
            e[0].message,
            "the bands allow 78..110 criteria met in total, but the per-criterion counts sum to 38"
        );
        // Bands that do not add up to the communes.
        let mut m3 = m2.clone();
        m3.bands = bands([Some(2), Some(1), Some(0), Some(8), Some(0)]);
        let e = solve(&m3, 19, 0).unwrap_err();
        assert_eq!(
            e[0].message,
            "the bands count 2 (19) + 1 (15-18) + 0 (10-14) + 8 (5-9) + 0 (0-4) = 11 communes, but there are 10 communes"
        );
    }

    #[test]
    fn average_out_of_rounding_is_reported() {
        // 2 communes at standard: 38 criteria, average exactly 19; a published 18,5 cannot hold:
        // 18,45 × 2 = 36,9 and 18,55 × 2 = 37,1, so the total would be 37.
        let m = Margins {
            communes: 2,
            standard: Some(2),
            bands: bands([None; 5]),
            criteria: (1..=19).map(|id| (id, Some(2))).collect(),
            average: Some(Decimal::new(185, 1)),
        };
        let e = solve(&m, 19, 0).unwrap_err();
        assert_eq!(
            e[0].message,
            "average 18,5 × 2 communes = 37 (37..37 within the rounding of 18,5), but the per-criterion counts sum to 38"
        );
        // 18,4 × 2 = 36,8: no whole total divided by 2 rounds to 18,4 (36,7 ≤ T < 36,9).
        let mut m2 = m.clone();
        m2.average = Some(Decimal::new(184, 1));
        let e = solve(&m2, 19, 0).unwrap_err();
        assert_eq!(
            e[0].message,
            "average 18,4 × 2 communes = 36,8, and no whole number of criteria met divided by 2 rounds to 18,4"
        );
    }

    #[test]
    fn gale_ryser_failure_names_the_criteria() {
        // 2 communes, none at standard, each with 1..18 criteria; c1 = c2 = 2 and all others 0:
        // total 4, rows 2 + 2, columns fine. Make it fail: rows forced to 1 each via band 0-4
        // being impossible... use a 3-criterion catalog: rows in [1,1], columns 2, 0, 0.
        let m = Margins {
            communes: 2,
            standard: Some(0),
            bands: vec![
                BandCount {
                    id: "3".into(),
                    min: 3,
                    max: 3,
                    count: Some(0),
                },
                BandCount {
                    id: "2".into(),
                    min: 2,
                    max: 2,
                    count: Some(1),
                },
                BandCount {
                    id: "0".into(),
                    min: 0,
                    max: 0,
                    count: Some(1),
                },
            ],
            criteria: vec![(1, Some(2)), (2, Some(0)), (3, Some(0))],
            average: None,
        };
        let e = solve(&m, 3, 0).unwrap_err();
        assert_eq!(
            e[0].message,
            "the 1 criteria met most often (c1 2) are met 2 times in total, but with the band counts \
             the communes can meet at most 1 of them (each commune at most min(its criteria, 1))"
        );
    }
}
