//! Marginal analysis (chi phí cận biên), by re-solving: the least extra money, beyond the
//! budgets, for one more commune at standard and for one more commune meeting each lagging
//! criterion, keeping every target and the objective at what the plan reaches. (The duals of a mixed-integer
//! model's relaxation do not measure this; a re-solve does.)

use std::collections::BTreeMap;

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{resolve, Ask};
use crate::catalog::TierId;
use crate::closing::{close_in_order, cost_per_gain_order};
use crate::error::Result;
use crate::plan::{self, Measure, Objective, Plan, PlanOptions, PlanStatus, Requirement};
use crate::scenario::{Must, Scenario};

/// What one more unit of a count costs.
#[derive(Debug, Clone, Serialize)]
pub struct MarginalCost {
    /// What is asked, Vietnamese first: `thêm một xã đạt chuẩn (one more commune at standard)`,
    /// `thêm một xã đạt tiêu chí số 5 (Giáo dục) (one more commune meeting c5 Schools)`.
    pub what: String,
    /// The count after the plan.
    pub now: usize,
    /// Least extra money in total, million VND; `None` when no project list reaches it.
    pub extra_total: Option<Decimal>,
    /// Least extra money per source, million VND.
    pub extra_by_source: BTreeMap<String, Decimal>,
    /// Whether the least is proven (false: the best found within the time limit).
    pub proven: bool,
}

/// Marginal costs after `plan`: one more commune at standard, then one more commune meeting
/// each criterion that not every commune meets, in criterion order.
pub fn marginal(
    scenario: &Scenario,
    options: &PlanOptions,
    plan: &Plan,
) -> Result<Vec<MarginalCost>> {
    let last = scenario.years.iter().copied().max().unwrap_or(0);
    let mut kept = scenario.clone();
    let base = keep_reached(&mut kept, plan);
    let n = plan.after.summary.communes;
    let mut asks: Vec<(String, usize, Measure)> = vec![(
        "thêm một xã đạt chuẩn (one more commune at standard)".into(),
        plan.after.summary.standard,
        Measure::Tier(TierId::Standard),
    )];
    for c in &plan.after.criteria {
        if c.met < n {
            asks.push((
                format!(
                    "thêm một xã đạt tiêu chí số {} ({}) (one more commune meeting c{} {})",
                    c.id, c.name_vi, c.id, c.name_en
                ),
                c.met,
                Measure::Criterion(c.id),
            ));
        }
    }
    let chosen = plan::selection_of(&kept, plan);
    // The asks are independent re-solves of the same plan: in parallel, in ask order.
    asks.into_par_iter()
        .filter(|(_, now, _)| *now < n)
        .map(|(what, now, measure)| {
            let within_budgets = match measure {
                Measure::Criterion(c) => one_more_closing(&kept, plan, &chosen, c),
                _ => Vec::new(),
            };
            let mut requirements = base.clone();
            requirements.push(Requirement {
                year: last,
                measure,
                at_least: now as i64 + 1,
                group: None,
            });
            let ask = Ask::LeastExtra {
                requirements,
                within_budgets,
            };
            // Every re-solve starts from the plan itself: it keeps every kept count already.
            let found = resolve(&kept, ask, options, Some(plan))?;
            Ok(cost_of(what, now, found))
        })
        .collect()
}

/// The marginal cost an ask's least-extra plan gives (`None`: no project list reaches it).
fn cost_of(what: String, now: usize, found: Option<Plan>) -> MarginalCost {
    match found {
        Some(extra) => MarginalCost {
            what,
            now,
            extra_total: Some(extra.extra_budget.values().copied().sum()),
            proven: extra.status == PlanStatus::Optimal,
            extra_by_source: extra.extra_budget,
        },
        None => MarginalCost {
            what,
            now,
            extra_total: None,
            extra_by_source: BTreeMap::new(),
            proven: true,
        },
    }
}

/// Communes tried for one more commune meeting a criterion within the budgets.
const CLOSINGS_TRIED: usize = 8;

/// Ways to meet `criterion` in one more commune on top of the plan's projects (`chosen`): for
/// each commune the plan leaves without it, the plan plus the cheapest of the commune's
/// candidate projects, by cost per unit of gain ([`crate::closing`]), that close it; the
/// cheapest [`CLOSINGS_TRIED`] communes, cheapest first. Only tries: the re-solve checks each
/// against every requirement and the budgets.
fn one_more_closing(
    scenario: &Scenario,
    plan: &Plan,
    chosen: &BTreeMap<usize, u16>,
    criterion: u8,
) -> Vec<BTreeMap<usize, u16>> {
    let mut progress = vec![Decimal::ZERO; scenario.communes.len()];
    for p in chosen.keys().map(|p| &scenario.projects[*p]) {
        for g in p
            .gains
            .iter()
            .filter(|g| g.is_standard() && g.criterion == criterion)
        {
            progress[p.commune] += g.fraction;
        }
    }
    let mut candidates: Vec<Vec<(usize, Decimal, Decimal)>> = vec![Vec::new(); progress.len()];
    for (i, p) in scenario.projects.iter().enumerate() {
        let gain = p
            .gains
            .iter()
            .filter(|g| g.is_standard() && g.criterion == criterion)
            .map(|g| g.fraction)
            .sum::<Decimal>();
        if gain > Decimal::ZERO && p.must != Some(Must::Skip) && !chosen.contains_key(&i) {
            candidates[p.commune].push((i, p.cost, gain));
        }
    }
    let mut closings: Vec<(Decimal, usize, Vec<usize>)> = Vec::new();
    for (k, status) in plan.after.per_commune.iter().enumerate() {
        // Met already, or met before the plan and held back by a gate: no project of its own helps.
        if status.met.contains(criterion) || scenario.communes[k].met.contains(criterion) {
            continue;
        }
        let mut order = std::mem::take(&mut candidates[k]);
        cost_per_gain_order(&mut order, Decimal::ZERO);
        let gains = order.iter().map(|(p, _, g)| (*p, *g));
        if let Some(taken) = close_in_order(progress[k], gains) {
            let cost = taken.iter().map(|p| scenario.projects[*p].cost).sum();
            closings.push((cost, k, taken));
        }
    }
    closings.sort();
    closings
        .into_iter()
        .take(CLOSINGS_TRIED)
        .map(|(_, _, taken)| {
            let mut with = chosen.clone();
            for p in taken {
                if let Some(year) = scenario.projects[p].first_year_in(&scenario.years) {
                    with.insert(p, year);
                }
            }
            with
        })
        .collect()
}

/// What a re-solve keeps of `plan` (the one home for `--marginal` and `--why`): each target of
/// `scenario` lowered to what the plan reaches (or kept at its value, if lower), and the
/// objective's own count as a requirement in the last year.
pub(crate) fn keep_reached(scenario: &mut Scenario, plan: &Plan) -> Vec<Requirement> {
    let last = scenario.years.iter().copied().max().unwrap_or(0);
    for (target, outcome) in scenario.targets.iter_mut().zip(&plan.targets) {
        target.value = target.value.min(outcome.achieved.max(Decimal::ZERO));
    }
    let measure = match plan.objective_kind {
        Objective::MaxStandard => Some((
            Measure::Tier(TierId::Standard),
            plan.after.summary.standard as i64,
        )),
        Objective::MaxCriteria => Some((
            Measure::TotalCriteria,
            i64::from(plan.after.summary.total_criteria),
        )),
        Objective::MinCost => None,
    };
    measure
        .map(|(measure, at_least)| Requirement {
            year: last,
            measure,
            at_least,
            group: None,
        })
        .into_iter()
        .collect()
}
