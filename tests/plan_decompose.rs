//! The decomposition by commune (docs/model.md, "Decomposition by commune"), forced on every
//! model of this test binary with `NTM_DECOMPOSE=1`: the hand-solved fixtures keep their
//! hand-worked optima, and on Lai Châu 2023 the plan reaches the independent model's optimum
//! (issue 10: a one-binary-per-project model solved by HiGHS) with a bound that proves it.
//!
//! Every test sets the variable first; they all set the same value, so running in parallel
//! threads is safe.

use std::path::Path;

use rust_decimal::Decimal;

use ntm::plan::{plan, Objective, Plan, PlanOptions, PlanStatus};
use ntm::scenario::Scenario;

fn decomposed(dir: &str, name: &str, objective: Objective, quick: bool) -> Plan {
    std::env::set_var("NTM_DECOMPOSE", "1");
    let s = Scenario::load(&Path::new(dir).join(name)).unwrap();
    let options = PlanOptions {
        objective,
        time_limit: Some(60.0),
        quick,
        ..PlanOptions::default()
    };
    plan(&s, &options).unwrap()
}

fn ids(plan: &Plan) -> Vec<&str> {
    plan.projects.iter().map(|p| p.id.as_str()).collect()
}

#[test]
fn hand_solved_fixtures_keep_their_optima() {
    // tests/plan_fixtures.rs works each of these out by hand.
    let p = decomposed(
        "tests/fixtures",
        "plan-objectives",
        Objective::MaxStandard,
        true,
    );
    assert_eq!((p.status, p.objective), (PlanStatus::Optimal, 3.0));
    assert_eq!(ids(&p), ["pa", "pb1", "pb2"]);
    let p = decomposed(
        "tests/fixtures",
        "plan-objectives",
        Objective::MaxCriteria,
        true,
    );
    assert_eq!((p.status, p.objective), (PlanStatus::Optimal, 75.0));
    let p = decomposed(
        "tests/fixtures",
        "plan-partial",
        Objective::MaxStandard,
        true,
    );
    assert_eq!((p.status, p.objective), (PlanStatus::Optimal, 2.0));
    assert_eq!(ids(&p), ["r1", "r2", "r3", "r5", "r6"]);
    let p = decomposed("tests/fixtures", "plan-gate", Objective::MaxCriteria, true);
    assert_eq!((p.status, p.objective), (PlanStatus::Optimal, 37.0));
    let p = decomposed(
        "tests/fixtures",
        "plan-years-split",
        Objective::MaxStandard,
        true,
    );
    assert_eq!((p.status, p.objective), (PlanStatus::Optimal, 1.0));
    // Gains that add up over three years: both communes at standard, 265 spent.
    let p = decomposed(
        "tests/fixtures",
        "plan-years-three",
        Objective::MaxStandard,
        true,
    );
    assert_eq!((p.status, p.objective), (PlanStatus::Optimal, 2.0));
    let spent: Decimal = p.spend_by_source.values().copied().sum();
    assert_eq!(spent, Decimal::from(265));
}

#[test]
fn min_cost_fixture_is_the_hand_worked_least() {
    // D plus the cheapest other commune, A (30).
    let p = decomposed(
        "tests/fixtures",
        "plan-objectives",
        Objective::MinCost,
        true,
    );
    assert_eq!(p.objective, 30.0);
    assert_eq!(ids(&p), ["pa"]);
    assert_eq!(p.status, PlanStatus::Optimal);
}

#[test]
fn lai_chau_max_standard_reaches_the_independent_optimum() {
    // Independent model (scripts/independent_plan.py, HiGHS on the scenario files): 60
    // communes at standard, proven optimal (61 before the advanced-level candidates, whose
    // targets now take money); column generation's bound proves the decomposition's plan.
    let p = decomposed("scenarios", "lai-chau-2023", Objective::MaxStandard, true);
    assert_eq!(p.objective, 60.0);
    assert_eq!(p.after.summary.standard, 60);
    assert!(
        matches!(
            p.status,
            PlanStatus::Optimal | PlanStatus::OptimalOutOfReach
        ),
        "{:?}",
        p.status
    );
}

#[test]
fn lai_chau_min_cost_is_proven_least() {
    // Independent model (scripts/independent_plan.py): 656,207 million VND is the least state
    // money with every target, the 15 advanced-level ones included (581,737 before the
    // advanced-level candidates, when those were out of reach). No plan spends less, and a
    // proven bound never lies above it. Column generation (each commune solved whole) proves
    // it.
    let p = decomposed("scenarios", "lai-chau-2023", Objective::MinCost, true);
    assert_eq!(p.objective, 656_207.0);
    let bound = p.bound.expect("a decomposed plan always has a bound");
    assert!(bound <= 656_207.0 + 1e-6, "{bound}");
    assert!(bound >= 656_207.0 - 0.01, "{bound}");
    // Every target holds: the decomposition starts from a plan that meets them and only
    // accepts plans the whole model accepts.
    assert!(
        matches!(p.status, PlanStatus::Feasible | PlanStatus::Optimal),
        "{:?}",
        p.status
    );
    assert!(p.out_of_reach.is_empty());
    assert!(p.targets.iter().all(|t| t.shortfall.is_zero()));
}

#[test]
fn lai_chau_max_criteria_is_proven() {
    // Independent model (scripts/independent_plan.py): 1,663 criteria, proven optimal (1,669
    // before the advanced-level candidates); so is the decomposition's plan.
    let p = decomposed("scenarios", "lai-chau-2023", Objective::MaxCriteria, true);
    assert_eq!(p.objective, 1663.0);
    assert_eq!(p.bound, Some(1663.0));
    assert_eq!(p.status, PlanStatus::Optimal);
    assert_eq!(p.objective, f64::from(p.after.summary.total_criteria));
}
