//! Exact money (đối chiếu số tiền): turns the solver's floating-point funding into
//! `Decimal` amounts to the VND (0.000001 million), so that every project's funding sums
//! exactly to its cost, every source stays within its budget, and counterpart rules hold.
//!
//! Per (group, year), each source's amount is rounded down to the VND and the residual put on
//! the largest share that has room (ties: the source listed first); the group's money is then
//! split over its projects in id order, each project filled from the sources in order (the
//! "north-west corner" of the transport table), which keeps both margins exact.

use std::collections::BTreeMap;

use rust_decimal::prelude::FromPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::funding::Funding;
use super::model::MONEY_SCALE;
use super::FundedProject;
use crate::error::{Error, Result};
use crate::scenario::Scenario;

/// Decimal places kept: million VND to the VND.
const PLACES: u32 = 6;

fn to_decimal(solver_units: f64) -> Decimal {
    Decimal::from_f64(solver_units / MONEY_SCALE)
        .unwrap_or(Decimal::ZERO)
        .round_dp_with_strategy(PLACES, RoundingStrategy::ToZero)
        .max(Decimal::ZERO)
}

/// Funded projects with exact money; `limits` are the money available per (source, year).
pub(crate) fn reconcile(
    scenario: &Scenario,
    group_of: &[usize],
    group_sources: &[Vec<usize>],
    chosen: &BTreeMap<usize, u16>,
    funding: &Funding,
    limits: &BTreeMap<(usize, u16), Decimal>,
) -> Result<Vec<FundedProject>> {
    let sources = &scenario.capital_sources;
    let mut spent: BTreeMap<(usize, u16), Decimal> = BTreeMap::new();
    let room = |spent: &BTreeMap<(usize, u16), Decimal>, s: usize, t: u16| {
        limits.get(&(s, t)).copied().unwrap_or(Decimal::ZERO)
            - spent.get(&(s, t)).copied().unwrap_or(Decimal::ZERO)
    };
    let mut by_group: BTreeMap<(usize, u16), Vec<usize>> = BTreeMap::new();
    for (&p, &t) in chosen {
        by_group.entry((group_of[p], t)).or_default().push(p);
    }
    let mut funded: BTreeMap<usize, BTreeMap<usize, Decimal>> = BTreeMap::new();
    // Groups with the fewest eligible sources claim their room first.
    let mut by_group: Vec<((usize, u16), Vec<usize>)> = by_group.into_iter().collect();
    by_group.sort_by_key(|((g, t), _)| (*t, group_sources[*g].len(), *g));
    for ((g, t), mut members) in by_group {
        members.sort_by(|a, b| scenario.projects[*a].id.cmp(&scenario.projects[*b].id));
        let need: Decimal = members.iter().map(|p| scenario.projects[*p].cost).sum();
        let mut shares: Vec<(usize, Decimal)> = group_sources[g]
            .iter()
            .map(|&s| {
                let amount = to_decimal(funding.amounts.get(&(g, s, t)).copied().unwrap_or(0.0));
                (s, amount.min(room(&spent, s, t).max(Decimal::ZERO)))
            })
            .collect();
        let mut residual = need - shares.iter().map(|(_, a)| *a).sum::<Decimal>();
        // Largest share first, then scenario order.
        let mut order: Vec<usize> = (0..shares.len()).collect();
        order.sort_by(|a, b| shares[*b].1.cmp(&shares[*a].1).then(a.cmp(b)));
        for i in order {
            if residual.is_zero() {
                break;
            }
            let (s, amount) = shares[i];
            let change = if residual > Decimal::ZERO {
                residual.min(room(&spent, s, t) - amount)
            } else {
                residual.max(-amount)
            };
            if !change.is_zero() {
                shares[i].1 += change;
                residual -= change;
            }
        }
        if !residual.is_zero() {
            return Err(Error::Internal(format!(
                "cannot fund group {g} in {t} exactly within the budgets (short by {residual})"
            )));
        }
        for (s, amount) in &shares {
            *spent.entry((*s, t)).or_default() += *amount;
        }
        // North-west corner split.
        let mut left: Vec<(usize, Decimal)> = shares;
        for p in members {
            let mut owed = scenario.projects[p].cost;
            let entry = funded.entry(p).or_default();
            for (s, amount) in left.iter_mut() {
                if owed.is_zero() {
                    break;
                }
                let take = owed.min(*amount);
                if take > Decimal::ZERO {
                    *entry.entry(*s).or_default() += take;
                    *amount -= take;
                    owed -= take;
                }
            }
        }
    }
    enforce_counterparts(scenario, chosen, &mut funded, &mut spent, limits);
    let projects: Vec<FundedProject> = funded
        .into_iter()
        .map(|(p, money)| {
            let proj = &scenario.projects[p];
            FundedProject {
                id: proj.id.clone(),
                commune: scenario.communes[proj.commune].id.clone(),
                year: chosen[&p],
                cost: proj.cost,
                funding: money
                    .into_iter()
                    .filter(|(_, a)| !a.is_zero())
                    .map(|(s, a)| (sources[s].id.clone(), a.normalize()))
                    .collect(),
            }
        })
        .collect();
    verify(scenario, &projects, limits)?;
    Ok(projects)
}

/// Rounding may leave a counterpart source a few VND short of its ratio; moves the missing
/// money from a matched source to the counterpart source inside one project.
fn enforce_counterparts(
    scenario: &Scenario,
    chosen: &BTreeMap<usize, u16>,
    funded: &mut BTreeMap<usize, BTreeMap<usize, Decimal>>,
    spent: &mut BTreeMap<(usize, u16), Decimal>,
    limits: &BTreeMap<(usize, u16), Decimal>,
) {
    let sources = &scenario.capital_sources;
    let index = |id: &str| sources.iter().position(|s| s.id == id);
    let years: std::collections::BTreeSet<u16> = chosen.values().copied().collect();
    for rule in &scenario.counterpart {
        let Some(src) = index(&rule.source) else {
            continue;
        };
        let of: Vec<usize> = rule.of.iter().filter_map(|id| index(id)).collect();
        for &t in &years {
            for _ in 0..8 {
                let total = |s: usize| spent.get(&(s, t)).copied().unwrap_or(Decimal::ZERO);
                let deficit =
                    rule.ratio.0 * of.iter().map(|s| total(*s)).sum::<Decimal>() - total(src);
                if deficit <= Decimal::ZERO {
                    break;
                }
                let step = (deficit / (Decimal::ONE + rule.ratio.0))
                    .round_dp_with_strategy(PLACES, RoundingStrategy::AwayFromZero);
                let room = limits.get(&(src, t)).copied().unwrap_or(Decimal::ZERO) - total(src);
                if room < step {
                    break;
                }
                let eligible = |p: usize| sources[src].funds(&scenario.projects[p].category);
                let donor = funded.iter().find_map(|(p, money)| {
                    (chosen[p] == t && eligible(*p))
                        .then(|| of.iter().find(|s| money.get(s).is_some_and(|a| *a >= step)))
                        .flatten()
                        .map(|s| (*p, *s))
                });
                let Some((p, s)) = donor else {
                    break;
                };
                let money = funded.entry(p).or_default();
                *money.entry(s).or_default() -= step;
                *money.entry(src).or_default() += step;
                *spent.entry((s, t)).or_default() -= step;
                *spent.entry((src, t)).or_default() += step;
            }
        }
    }
}

/// Checks the invariants of exact money; a failure is a bug, reported rather than printed.
fn verify(
    scenario: &Scenario,
    projects: &[FundedProject],
    limits: &BTreeMap<(usize, u16), Decimal>,
) -> Result<()> {
    let sources = &scenario.capital_sources;
    // Each project's category by id, looked up once (a scan per funded project was minutes at
    // 10.000 communes).
    let category_of: std::collections::HashMap<&str, &str> = scenario
        .projects
        .iter()
        .map(|p| (p.id.as_str(), p.category.as_str()))
        .collect();
    let mut spent: BTreeMap<(usize, u16), Decimal> = BTreeMap::new();
    for fp in projects {
        let total: Decimal = fp.funding.values().copied().sum();
        if total != fp.cost {
            return Err(Error::Internal(format!(
                "project `{}` is funded {total}, not its cost {}",
                fp.id, fp.cost
            )));
        }
        let category = category_of.get(fp.id.as_str()).copied().unwrap_or_default();
        for (id, amount) in &fp.funding {
            let s = sources
                .iter()
                .position(|s| s.id == *id)
                .unwrap_or(usize::MAX);
            if s == usize::MAX || !sources[s].funds(category) || amount.is_sign_negative() {
                return Err(Error::Internal(format!(
                    "project `{}` draws on `{id}`, which may not fund `{category}`",
                    fp.id
                )));
            }
            *spent.entry((s, fp.year)).or_default() += *amount;
        }
    }
    for ((s, t), amount) in spent {
        let limit = limits.get(&(s, t)).copied().unwrap_or(Decimal::ZERO);
        if amount > limit {
            return Err(Error::Internal(format!(
                "`{}` spends {amount} in {t}, over its {limit}",
                sources[s].id
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn solver_noise_becomes_exact_money_within_the_limits() {
        // plan-eligibility: ha (housing, 50) paid by credit (source 0), sc (school, 15) by
        // central investment (source 1). The solver's amounts carry noise either side of the
        // VND; the reconciled lines are the costs exactly.
        let s = Scenario::load(Path::new("tests/fixtures/plan-eligibility")).unwrap();
        let group_of = [0, 1, 1];
        let group_sources = [vec![0], vec![1]];
        let chosen = BTreeMap::from([(0, 2023), (2, 2023)]);
        let funding = Funding {
            amounts: BTreeMap::from([
                ((0, 0, 2023), 0.049_999_999_9),
                ((1, 1, 2023), 0.015_000_000_1),
            ]),
            extra: BTreeMap::new(),
        };
        let limits = BTreeMap::from([
            ((0, 2023), Decimal::from(100)),
            ((1, 2023), Decimal::from(20)),
        ]);
        let projects =
            reconcile(&s, &group_of, &group_sources, &chosen, &funding, &limits).unwrap();
        let lines: Vec<(&str, Vec<(&str, Decimal)>)> = projects
            .iter()
            .map(|p| {
                (
                    p.id.as_str(),
                    p.funding.iter().map(|(k, v)| (k.as_str(), *v)).collect(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                ("ha", vec![("credit", Decimal::from(50))]),
                ("sc", vec![("central-investment", Decimal::from(15))]),
            ]
        );
        // A limit below the cost cannot be met exactly: an internal error, not a plan.
        let tight = BTreeMap::from([
            ((0, 2023), Decimal::from(100)),
            ((1, 2023), Decimal::from(14)),
        ]);
        let result = reconcile(&s, &group_of, &group_sources, &chosen, &funding, &tight);
        assert!(matches!(result, Err(Error::Internal(_))));
    }
}
