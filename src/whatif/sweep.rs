//! Budget–outcome curve (đường cong vốn – kết quả): communes at standard and criteria met as the
//! budget grows, for the optimal plan and each rule, solved in parallel.
//!
//! Each point is the scenario restricted to the year as in [`super::compare`]
//! ([`super::one_year`]) with the budgets multiplied ([`super::scale_budgets`]).
//! A plan found for less money is still feasible with more, so the optimal curve keeps the best
//! plan of the smaller budgets where the solver (stopped by its time limit) found a worse one;
//! such points are marked `carried`.
//!
//! Which money moves (nguồn vốn thay đổi): by default every state-budget source of the scenario
//! (central, local, integrated programs; [`crate::scenario::SourceKind::is_state_budget`]) that
//! has a budget in the year. The rules divide all of it and the optimal plan spends the same
//! money, so every curve gets the same budget at every point. A source that a rule takes as its
//! counterpart (vốn đối ứng) stays out of the divided set (it comes in as the counterpart, and
//! would otherwise be counted twice). Credit, enterprise and community money is left out: no rule
//! divides it. `--source` replaces the default with the given sources.

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{
    budget_in, one_year, resolve_plan, rule_outcome, scale_budgets, sources_of, without_targets,
};
use crate::error::{Error, Result};
use crate::plan::{Plan, PlanOptions};
use crate::rules::{self, Rule};
use crate::scenario::Scenario;

/// What the budget range is given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum BudgetAxis {
    /// Multipliers of the year's budget (1 = as planned).
    Multiplier,
    /// Total budget of the scaled sources, million VND.
    Amount,
}

/// How to sweep.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    /// Year (default: [`rules::budget_year`]).
    pub year: Option<u16>,
    /// Start of the range.
    pub from: Decimal,
    /// End of the range.
    pub to: Decimal,
    /// Points, at least 2.
    pub steps: usize,
    /// What `from` and `to` are.
    pub axis: BudgetAxis,
    /// Sources the rules divide (empty: every state-budget source, see the module docs).
    pub divided: Vec<String>,
    /// Sources whose budget is scaled (empty: all in play).
    pub scaled: Vec<String>,
    /// Planner options for the optimal curve.
    pub plan: PlanOptions,
}

/// Which sources a sweep moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceSelection {
    /// Every state-budget source with a budget in the year (the default).
    StateBudget,
    /// The sources given with `--source`.
    Given,
}

/// One series' value at a point.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SeriesValue {
    /// `optimal` or a rule id.
    pub series: String,
    /// Communes at standard.
    pub standard: usize,
    /// Criteria met, all communes.
    pub criteria_met: u32,
    /// Taken from a smaller budget's plan (optimal only).
    pub carried: bool,
}

/// One budget level.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SweepPoint {
    /// Budget multiplier of the scaled sources.
    pub multiplier: Decimal,
    /// Total budget of the sources in play, million VND.
    pub budget: Decimal,
    /// One value per series.
    pub values: Vec<SeriesValue>,
}

/// A budget–outcome curve.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sweep {
    /// Present when the data is synthetic.
    pub synthetic: Option<String>,
    /// Scenario name.
    pub scenario: String,
    /// Year.
    pub year: u16,
    /// How the sources in play were chosen.
    pub selection: SourceSelection,
    /// Sources in play (divided by the rules, spent by the optimal plan).
    pub sources: Vec<String>,
    /// The scenario's sources with a budget in the year that are not in play.
    pub left_out: Vec<String>,
    /// Sources scaled.
    pub scaled: Vec<String>,
    /// Budget of the sources in play at multiplier 1.
    pub base_budget: Decimal,
    /// Whether the optimal plan is tie-broken: among plans with the most communes at standard,
    /// the least state-budget spend, then the least total spend ([`PlanOptions::tie_break`]).
    pub tie_break: bool,
    /// Series names: `optimal`, then the rules.
    pub series: Vec<String>,
    /// Points, by increasing budget.
    pub points: Vec<SweepPoint>,
}

/// Warm-start chains of the optimal curve, solved side by side: chain `j` solves the points
/// `j`, `j + CHAINS`, … by increasing budget, each from the plan of the chain's point before it
/// (a plan of less money, which the larger budget still pays for: a start at least as good,
/// so the search begins where the smaller budget ended). A fixed number, so the curve does
/// not depend on the machine's cores.
const CHAINS: usize = 2;

/// Largest budget multiplier a sweep goes to.
pub const MAX_MULTIPLIER: u32 = 100;

/// Parses `FROM..TO` (numbers as planners write them).
pub fn parse_range(text: &str) -> Result<(Decimal, Decimal)> {
    let bad = || Error::Unsupported {
        message: format!("`{text}` is not a budget range"),
        hint: "write FROM..TO, e.g. 0.5..2 (multipliers) or 50000..200000 with --by amount".into(),
    };
    let (from, to) = text.split_once("..").ok_or_else(bad)?;
    let from = crate::number::parse_non_negative(from).map_err(|_| bad())?;
    let to = crate::number::parse_non_negative(to).map_err(|_| bad())?;
    if from > to {
        return Err(bad());
    }
    Ok((from, to))
}

/// Computes the curve; `progress` is called once per finished point (from any thread).
pub fn sweep(
    scenario: &Scenario,
    rules: &[Rule],
    options: &SweepOptions,
    progress: &(dyn Fn() + Sync),
) -> Result<Sweep> {
    if options.steps < 2 {
        return Err(Error::Unsupported {
            message: format!("{} steps make no curve", options.steps),
            hint: "use --steps 2 or more".into(),
        });
    }
    let year = rules::budget_year(scenario, options.year)?;
    let (selection, divided) = if options.divided.is_empty() {
        (
            SourceSelection::StateBudget,
            state_budget_sources(scenario, rules, year),
        )
    } else {
        (SourceSelection::Given, options.divided.clone())
    };
    let sources = sources_of(scenario, rules, &divided);
    let left_out: Vec<String> = scenario
        .capital_sources
        .iter()
        .filter(|c| !sources.contains(&c.id) && c.budget_in(year) > Decimal::ZERO)
        .map(|c| c.id.clone())
        .collect();
    let base = one_year(scenario, year, &sources);
    let base_budget = budget_in(&base, year);
    let scaled: Vec<String> = if options.scaled.is_empty() {
        sources.clone()
    } else {
        options.scaled.clone()
    };
    if let Some(unknown) = scaled.iter().find(|s| !sources.contains(s)) {
        return Err(Error::Unsupported {
            message: format!("source `{unknown}` is not among the sources in play"),
            hint: format!("sources in play: {}", sources.join(", ")),
        });
    }
    let scaled_budget: Decimal = base
        .capital_sources
        .iter()
        .filter(|s| scaled.contains(&s.id))
        .map(|s| s.budget_in(year))
        .sum();
    let to_multiplier = |v: Decimal| match options.axis {
        BudgetAxis::Multiplier => Ok(v),
        BudgetAxis::Amount if scaled_budget > Decimal::ZERO => Ok(v / scaled_budget),
        BudgetAxis::Amount => Err(Error::Unsupported {
            message: "the scaled sources have no budget to scale to an amount".into(),
            hint: "use --by multiplier, or scale sources with a budget".into(),
        }),
    };
    let (from, to) = (to_multiplier(options.from)?, to_multiplier(options.to)?);
    if to > Decimal::from(MAX_MULTIPLIER) {
        return Err(Error::Unsupported {
            message: format!("a budget multiplier of {} is out of range", to.round_dp(3)),
            hint: format!("sweep up to {MAX_MULTIPLIER} times the year's budget"),
        });
    }
    let last = Decimal::from(options.steps - 1);
    let multipliers: Vec<Decimal> = (0..options.steps)
        .map(|i| (from + (to - from) * Decimal::from(i) / last).round_dp(6))
        .collect();
    // The optimal curve in warm-start chains side by side (see [`CHAINS`]); the rules' side of
    // every point in the same pass.
    let chains: Vec<Vec<(usize, SweepPoint)>> = (0..CHAINS.min(multipliers.len()))
        .into_par_iter()
        .map(|chain| {
            let mut solved = Vec::new();
            let mut warm: Option<Plan> = None;
            for i in (chain..multipliers.len()).step_by(CHAINS) {
                let m = multipliers[i];
                // Without targets: the planner would treat them as hard requirements.
                let s = without_targets(scale_budgets(base.clone(), &scaled, m));
                let plan = resolve_plan(&s, &options.plan, warm.as_ref())?;
                let mut values = vec![SeriesValue {
                    series: "optimal".into(),
                    standard: plan.after.summary.standard,
                    criteria_met: plan.after.summary.total_criteria,
                    carried: false,
                }];
                for rule in rules {
                    let sim = rule_outcome(&s, rule, year, &divided)?;
                    values.push(SeriesValue {
                        series: rule.id.clone(),
                        standard: sim.standard,
                        criteria_met: sim.criteria_met,
                        carried: false,
                    });
                }
                progress();
                solved.push((
                    i,
                    SweepPoint {
                        multiplier: m,
                        budget: budget_in(&s, year),
                        values,
                    },
                ));
                warm = Some(plan);
            }
            Ok(solved)
        })
        .collect::<Result<Vec<_>>>()?;
    let mut points: Vec<(usize, SweepPoint)> = chains.into_iter().flatten().collect();
    points.sort_by_key(|(i, _)| *i);
    let mut points: Vec<SweepPoint> = points.into_iter().map(|(_, p)| p).collect();
    let mut best: Option<SeriesValue> = None;
    for point in &mut points {
        let optimal = &mut point.values[0];
        match &best {
            Some(b) if b.standard > optimal.standard => {
                *optimal = SeriesValue {
                    carried: true,
                    ..b.clone()
                };
            }
            _ => best = Some(optimal.clone()),
        }
    }
    let mut series = vec!["optimal".to_string()];
    series.extend(rules.iter().map(|r| r.id.clone()));
    Ok(Sweep {
        synthetic: scenario.synthetic.clone(),
        scenario: scenario.name.clone(),
        year,
        selection,
        sources,
        left_out,
        scaled,
        base_budget,
        tie_break: options.plan.tie_break,
        series,
        points,
    })
}

/// The default sources of a sweep: every state-budget source with a budget in `year`, except
/// the rules' counterpart sources (they come in as counterparts).
pub fn state_budget_sources(scenario: &Scenario, rules: &[Rule], year: u16) -> Vec<String> {
    let counterparts: Vec<&String> = rules
        .iter()
        .filter_map(|r| r.counterpart.as_ref().map(|c| &c.source))
        .collect();
    scenario
        .capital_sources
        .iter()
        .filter(|c| c.kind.is_state_budget() && c.budget_in(year) > Decimal::ZERO)
        .filter(|c| !counterparts.contains(&&c.id))
        .map(|c| c.id.clone())
        .collect()
}
