//! What-ifs over the plan (phân tích giả định): each one transforms the scenario and re-solves
//! it. `compare` sets rules beside the optimal plan on the same money, `drafting` finds the
//! targets the year's money reaches, `sweep` draws the budget–outcome curve, and `marginal`
//! prices one more commune at standard or meeting a criterion.
//!
//! The scenario transforms they share live here ([`one_year`], [`scale_budgets`],
//! [`without_targets`], [`with_targets`]), with the rules' side ([`rule_outcome`]) and the one
//! function that re-solves a transformed scenario ([`resolve`]): every what-if plan goes
//! through it, so a faster re-solve (warm starts, decomposition) speeds up all of them.
//! Arrows point down: the what-ifs use `plan` and `rules`; `plan` knows nothing of them.

pub mod compare;
pub mod drafting;
pub mod marginal;
pub mod sweep;
pub mod why;

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::plan::{self, Plan, PlanOptions, Requirement};
use crate::rules::{self, AllocateOptions, Rule};
use crate::scenario::{Scenario, Target, TargetKind};

/// The scenario restricted to `year` and the capital sources `sources` (their budgets of that
/// year only), without counterpart constraints, and with the targets and candidate projects of
/// that year only: every what-if column gets the same money.
pub fn one_year(scenario: &Scenario, year: u16, sources: &[String]) -> Scenario {
    let mut s = scenario.clone();
    let key = year.to_string();
    s.years = vec![year];
    s.counterpart.clear();
    s.targets.retain(|t| t.year == year);
    // Projects that cannot be funded in the year are out (also their `must`).
    s.projects.retain(|p| p.open_in(year));
    s.capital_sources.retain(|c| sources.contains(&c.id));
    for source in &mut s.capital_sources {
        source.budget.retain(|y, _| *y == key);
    }
    s
}

/// The scenario with the budgets of the sources in `scaled` (all sources when empty)
/// multiplied by `multiplier` (nhân ngân sách).
pub fn scale_budgets(scenario: Scenario, scaled: &[String], multiplier: Decimal) -> Scenario {
    let mut s = scenario;
    for source in &mut s.capital_sources {
        if scaled.is_empty() || scaled.contains(&source.id) {
            for amount in source.budget.values_mut() {
                amount.get_mut().0 *= multiplier;
            }
        }
    }
    s
}

/// The scenario a what-if column sees: [`one_year`], with the budgets of `scaled` (all when
/// empty) multiplied by `multiplier` ([`scale_budgets`]).
pub fn comparison_scenario(
    scenario: &Scenario,
    year: u16,
    sources: &[String],
    scaled: &[String],
    multiplier: Decimal,
) -> Scenario {
    scale_budgets(one_year(scenario, year, sources), scaled, multiplier)
}

/// The scenario without targets: the planner treats targets as hard requirements, so a
/// what-if that compares counts plans without them and reports against them.
pub fn without_targets(scenario: Scenario) -> Scenario {
    let mut s = scenario;
    s.targets.clear();
    s
}

/// The scenario with exactly the targets `wanted` (what, count) in `year` (đặt chỉ tiêu),
/// each citing `source`.
pub fn with_targets(
    scenario: &Scenario,
    year: u16,
    wanted: &[(TargetKind, usize)],
    source: &str,
) -> Scenario {
    let mut s = scenario.clone();
    s.targets = wanted
        .iter()
        .map(|(kind, value)| Target {
            year,
            kind: kind.clone(),
            group: None,
            value: Decimal::from(*value),
            added: None,
            source: source.into(),
        })
        .collect();
    s
}

/// Sources divided by any of the rules (or `divided`, when given), plus the rules' counterpart
/// sources, as the scenario has them.
pub fn sources_of(scenario: &Scenario, rules: &[Rule], divided: &[String]) -> Vec<String> {
    let wanted: Vec<&String> = rules
        .iter()
        .flat_map(|r| {
            let own = if divided.is_empty() {
                r.sources.iter()
            } else {
                divided.iter()
            };
            own.chain(r.counterpart.as_ref().map(|c| &c.source))
        })
        .collect();
    scenario
        .capital_sources
        .iter()
        .filter(|c| wanted.contains(&&c.id))
        .map(|c| c.id.clone())
        .collect()
}

/// Total budget of a scenario's sources in a year.
pub fn budget_in(scenario: &Scenario, year: u16) -> Decimal {
    scenario
        .capital_sources
        .iter()
        .map(|s| s.budget_in(year))
        .sum()
}

/// Outcome of one rule on a scenario: allocation, then the communes' spending (the rules' side
/// of a what-if; no plan is solved).
pub fn rule_outcome(
    scenario: &Scenario,
    rule: &Rule,
    year: u16,
    divided: &[String],
) -> Result<rules::Simulation> {
    let options = AllocateOptions {
        year: Some(year),
        sources: divided.to_vec(),
    };
    let allocation = rules::allocate(scenario, rule, &options)?;
    Ok(rules::simulate(scenario, &allocation))
}

/// What a re-solve asks for.
pub(crate) enum Ask {
    /// The best plan for `options.objective`, the scenario's targets as requirements (with the
    /// tie-break stages when `options.tie_break`).
    Plan,
    /// The least extra money beyond the budgets that makes the scenario's targets and these
    /// further requirements hold: the plan carries it in `extra_budget`, its status says
    /// whether that least is proven. `None` when no project list reaches them.
    LeastExtra {
        requirements: Vec<Requirement>,
        /// Selections of the scenario's projects (project → year) tried first: the first that
        /// makes every requirement hold within the budgets is the answer, no extra money,
        /// proven without a search.
        within_budgets: Vec<BTreeMap<usize, u16>>,
    },
}

/// Re-solves a transformed scenario: the one way every what-if solves. `options` gives the
/// objective, the solver, the time left (the command's deadline, [`PlanOptions::deadline`])
/// and whether to run the tie-break stages; `warm_start` is a plan to start from (its projects,
/// by id, where the scenario still has them; a plan of this scenario or a close variant).
pub(crate) fn resolve(
    scenario: &Scenario,
    ask: Ask,
    options: &PlanOptions,
    warm_start: Option<&Plan>,
) -> Result<Option<Plan>> {
    let seed = warm_start.map_or_else(Default::default, |p| plan::selection_of(scenario, p));
    // What-ifs compare counts over many plans: the decomposition's plan, with its bound, is
    // enough (no whole-model search after it; `PlanOptions::quick`).
    let options = &PlanOptions {
        quick: true,
        ..options.clone()
    };
    match ask {
        Ask::Plan => plan::plan_from(scenario, options, &seed).map(Some),
        Ask::LeastExtra {
            requirements,
            within_budgets,
        } => plan::least_extra_plan(scenario, options, &requirements, &seed, &within_budgets),
    }
}

/// The best plan of a transformed scenario ([`resolve`] with [`Ask::Plan`]).
pub(crate) fn resolve_plan(
    scenario: &Scenario,
    options: &PlanOptions,
    warm_start: Option<&Plan>,
) -> Result<Plan> {
    resolve(scenario, Ask::Plan, options, warm_start)?
        .ok_or_else(|| Error::Internal("a plan re-solve returned no plan".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn ids(plan: &Plan) -> Vec<&str> {
        plan.projects.iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn a_warm_start_is_only_a_start() {
        // plan-objectives: `local` 100; A needs pa (30), B pb1 + pb2 (45), C pc (80), D is at
        // standard. The optimum is D, A, B: 3 communes with pa, pb1, pb2 (75).
        let s = Scenario::load(Path::new("tests/fixtures/plan-objectives")).unwrap();
        let options = PlanOptions {
            tie_break: false,
            ..PlanOptions::default()
        };
        // A plan that funds pc (must = fund): D + C, 2 communes. Started from it, the re-solve
        // still reaches the optimum.
        let mut forced = s.clone();
        forced.projects[3].must = Some(crate::scenario::Must::Fund);
        let with_pc = resolve_plan(&forced, &options, None).unwrap();
        assert_eq!(ids(&with_pc), ["pc"]);
        let warm = resolve_plan(&s, &options, Some(&with_pc)).unwrap();
        assert_eq!(warm.objective, 3.0);
        assert_eq!(ids(&warm), ["pa", "pb1", "pb2"]);
        // A plan of twice the money funds all four (155): more than 100 pays for, so it is
        // ignored as a start, and the re-solve is the cold one.
        let rich = scale_budgets(s.clone(), &[], Decimal::TWO);
        let everything = resolve_plan(&rich, &options, None).unwrap();
        assert_eq!(ids(&everything), ["pa", "pb1", "pb2", "pc"]);
        assert_eq!(plan::selection_of(&s, &everything).len(), 4);
        let warm = resolve_plan(&s, &options, Some(&everything)).unwrap();
        let cold = resolve_plan(&s, &options, None).unwrap();
        assert_eq!((warm.objective, ids(&warm)), (cold.objective, ids(&cold)));
    }
}
