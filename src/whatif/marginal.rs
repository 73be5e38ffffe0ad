//! Marginal analysis (chi phí cận biên), by re-solving: the least extra money, beyond the
//! budgets, for one more commune at standard and for one more commune meeting each lagging
//! criterion, keeping every target and the objective at what the plan reaches. (The duals of a mixed-integer
//! model's relaxation do not measure this; a re-solve does.)

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::{resolve, Ask};
use crate::catalog::TierId;
use crate::error::Result;
use crate::plan::{Measure, Objective, Plan, PlanOptions, PlanStatus, Requirement};
use crate::scenario::Scenario;

/// What one more unit of a count costs.
#[derive(Debug, Clone, Serialize)]
pub struct MarginalCost {
    /// What is asked: `one more commune at standard`, `one more commune meeting c5 Schools`.
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
    // Keep each target at what the plan reaches (or its value, if lower).
    let mut kept = scenario.clone();
    for (target, outcome) in kept.targets.iter_mut().zip(&plan.targets) {
        target.value = target.value.min(outcome.achieved.max(Decimal::ZERO));
    }
    let mut base = Vec::new();
    // Keep what the objective reached, too.
    match plan.objective_kind {
        Objective::MaxStandard => base.push(Requirement {
            year: last,
            measure: Measure::Tier(TierId::Standard),
            at_least: plan.after.summary.standard as i64,
        }),
        Objective::MaxCriteria => base.push(Requirement {
            year: last,
            measure: Measure::TotalCriteria,
            at_least: i64::from(plan.after.summary.total_criteria),
        }),
        Objective::MinCost => {}
    }
    let n = plan.after.summary.communes;
    let mut asks: Vec<(String, usize, Measure)> = vec![(
        "one more commune at standard".into(),
        plan.after.summary.standard,
        Measure::Tier(TierId::Standard),
    )];
    for c in &plan.after.criteria {
        if c.met < n {
            asks.push((
                format!("one more commune meeting c{} {}", c.id, c.name_en),
                c.met,
                Measure::Criterion(c.id),
            ));
        }
    }
    let mut out = Vec::new();
    for (what, now, measure) in asks {
        if now >= n {
            continue;
        }
        let mut requirements = base.clone();
        requirements.push(Requirement {
            year: last,
            measure,
            at_least: now as i64 + 1,
        });
        // Every re-solve starts from the plan itself: it keeps every kept count already.
        let found = resolve(&kept, Ask::LeastExtra(requirements), options, Some(plan))?;
        out.push(match found {
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
        });
    }
    Ok(out)
}
