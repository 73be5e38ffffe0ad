//! The planner (lập kế hoạch phân bổ vốn): a mixed-integer model that funds projects from
//! capital sources to reach commune-count targets under budget limits. See `docs/model.md`.

mod columns;
mod decompose;
mod formulation;
mod funding;
mod heuristic;
mod model;
pub mod plain;
mod reconcile;
mod solve;
mod start;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::evaluate::{evaluate, evaluate_communes, Evaluation};
use crate::outcome::{apply_projects, target_outcomes, TargetOutcome};
use crate::scenario::Scenario;
use crate::text;

use formulation::{planning_years, requirements_of, year_of_target, Formulation, Goal};
/// Counts a what-if re-solve may require beyond the scenario's targets
/// ([`crate::whatif::resolve`]).
pub(crate) use formulation::{Measure, Requirement};
use solve::{
    bound_when_unproven, box_bound, check_backend, solve, tighter_bound, BackgroundBound, Failure,
    Settings, Solved, BOUND_RESERVE,
};
use start::{funded_values, start_at, start_plan, values_of, Method, Start};

/// What the plan optimises (mục tiêu tối ưu).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Objective {
    /// Reach all targets at least state-budget cost.
    MinCost,
    /// Most communes at standard within budgets.
    MaxStandard,
    /// Most criteria met within budgets.
    MaxCriteria,
}

/// Solver backend compiled into this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Backend {
    /// good_lp's pure-Rust microlp (always available).
    Microlp,
    /// HiGHS (cargo feature `highs`).
    Highs,
}

/// How to plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanOptions {
    /// Objective.
    pub objective: Objective,
    /// Solver backend.
    pub backend: Backend,
    /// Wall-clock limit in seconds.
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which to stop.
    pub gap: Option<f64>,
    /// Write the model in LP format to this file before solving.
    pub export_lp: Option<std::path::PathBuf>,
    /// Among plans with the best objective, take the one with the least state-budget spend,
    /// then the least total spend (lexicographic stages; `--no-tie-break` turns it off).
    pub tie_break: bool,
    /// When the whole command must be done (set once per command with
    /// [`PlanOptions::with_deadline`]); without it, each call of [`plan`] gets `time_limit`.
    #[serde(skip)]
    pub deadline: Option<Instant>,
    /// A plan within the relaxation's bound is enough: no whole-model search after the
    /// decomposition (the what-ifs, which compare counts across many plans).
    pub quick: bool,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            objective: Objective::MaxStandard,
            backend: Backend::Microlp,
            time_limit: Some(30.0),
            gap: None,
            export_lp: None,
            tie_break: true,
            deadline: None,
            quick: false,
        }
    }
}

/// The longest time limit accepted, seconds (about 11.6 days).
pub const MAX_TIME_LIMIT: f64 = 1e6;

impl PlanOptions {
    /// The same options with the deadline `time_limit` seconds from now: every plan and
    /// re-solve made with them shares that one limit (the limit of the whole command).
    pub fn with_deadline(mut self) -> PlanOptions {
        self.deadline = self.time_limit.and_then(deadline_after);
        self
    }
}

fn deadline_after(seconds: f64) -> Option<Instant> {
    if !(seconds > 0.0 && seconds <= MAX_TIME_LIMIT) {
        return None;
    }
    Instant::now().checked_add(Duration::try_from_secs_f64(seconds).ok()?)
}

/// One lexicographic stage after the objective (tie-break): what it minimised among the plans
/// with the best value of the stages before it.
#[derive(Debug, Clone, Serialize)]
pub struct TieBreak {
    /// `least-state-spend` or `least-total-spend`.
    pub what: TieBreakKind,
    /// The plan's value, million VND.
    pub value: Decimal,
    /// Best proven lower bound, million VND, where known.
    pub bound: Option<f64>,
    /// Proven relative gap (0 when optimal).
    pub gap: Option<f64>,
    /// Proven least.
    pub optimal: bool,
}

/// What a tie-break stage minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieBreakKind {
    /// State-budget spend (central, carry-over, local, integrated programs).
    LeastStateSpend,
    /// Spend from every source.
    LeastTotalSpend,
}

/// Whether the plan is proven optimal (trạng thái lời giải).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanStatus {
    /// Proven optimal.
    Optimal,
    /// Feasible, not proven optimal; see `gap`.
    Feasible,
    /// Targets cannot all be met with the money: the shortfall's bound proves some shortfall.
    Infeasible,
    /// Short of some targets, but not proven: the time ran out before the search found a plan
    /// meeting every target, or proved there is none (the shortfall's bound is zero).
    ShortUnproven,
    /// Proven optimal, but some targets are out of reach with any money and these projects
    /// (tối ưu, nhưng có chỉ tiêu không thể đạt); they are listed in `out_of_reach`.
    OptimalOutOfReach,
    /// Feasible, not proven optimal, and some targets are out of reach with any money.
    FeasibleOutOfReach,
}

impl PlanStatus {
    /// Whether the plan meets every target (optimal or feasible, nothing out of reach).
    pub fn meets_all_targets(self) -> bool {
        matches!(self, PlanStatus::Optimal | PlanStatus::Feasible)
    }

    /// Whether the plan is short of some targets (its objective is then the shortfall),
    /// proven or not.
    pub fn is_short(self) -> bool {
        matches!(self, PlanStatus::Infeasible | PlanStatus::ShortUnproven)
    }

    /// The status of a plan with targets out of reach (`any`): optimal and feasible plans
    /// become their out-of-reach kind; an infeasible plan stays infeasible.
    fn with_out_of_reach(self, any: bool) -> PlanStatus {
        match (self, any) {
            (PlanStatus::Optimal, true) => PlanStatus::OptimalOutOfReach,
            (PlanStatus::Feasible, true) => PlanStatus::FeasibleOutOfReach,
            (status, _) => status,
        }
    }
}

/// A target no plan reaches with these projects, whatever the money (chỉ tiêu không thể
/// đạt): why, and how far funding every candidate project gets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutOfReach {
    /// Position of the target in the scenario's `[[targets]]` and in [`Plan::targets`].
    pub target: usize,
    /// English name (as in [`TargetOutcome::name`]).
    pub name: String,
    /// Vietnamese name (tên chỉ tiêu).
    pub name_vi: String,
    /// Year.
    pub year: u16,
    /// Why it is out of reach.
    pub why: OutOfReachReason,
    /// The target value.
    pub value: Decimal,
    /// What the communes reach with every candidate project funded (each in its first possible
    /// year), in the target's own unit.
    pub reachable: Decimal,
}

/// Why a target is out of reach (lý do không thể đạt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutOfReachReason {
    /// No project raises it: a criterion of a higher tier's own set (advanced) on which no
    /// candidate project has a gain (không dự án nào nâng được); capped at what the communes have.
    NoProjectRaisesIt,
    /// Beyond what funding every candidate project reaches (vượt quá khả năng của mọi dự án
    /// ứng viên): the plan's requirement is capped at the reachable count.
    BeyondAllCandidates,
}

/// A funded project and where its money comes from.
#[derive(Debug, Clone, Serialize)]
pub struct FundedProject {
    /// Project id.
    pub id: String,
    /// Commune id.
    pub commune: String,
    /// Year funded.
    pub year: u16,
    /// Cost, million VND.
    pub cost: Decimal,
    /// Amount per capital source id; sums exactly to `cost`.
    pub funding: BTreeMap<String, Decimal>,
}

/// A plan and its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Scenario name.
    pub scenario: String,
    /// Present when the scenario's data is synthetic.
    pub synthetic: Option<String>,
    /// What was optimised.
    pub objective_kind: Objective,
    /// Backend that solved it.
    pub solver: Backend,
    /// Optimal, feasible or infeasible.
    pub status: PlanStatus,
    /// Objective value: communes at standard (`max-standard`), criteria met (`max-criteria`) or
    /// state-budget spend in million VND (`min-cost`); for an infeasible plan, the total
    /// shortfall.
    pub objective: f64,
    /// Best proven bound on the objective, in the same unit.
    pub bound: Option<f64>,
    /// Proven relative gap |bound − objective| / max(|objective|, 1) (0 when optimal).
    pub gap: Option<f64>,
    /// Spend per source id, million VND.
    pub spend_by_source: BTreeMap<String, Decimal>,
    /// Budget per source id over the planning years, million VND.
    pub budget_by_source: BTreeMap<String, Decimal>,
    /// Targets against the outcome.
    pub targets: Vec<TargetOutcome>,
    /// Least extra money per source that makes every reachable target hold (infeasible
    /// plans only), million VND.
    pub extra_budget: BTreeMap<String, Decimal>,
    /// Targets no amount of money reaches with these projects, in target order: the one list
    /// of them (the status says `…-out-of-reach` when it is not empty).
    pub out_of_reach: Vec<OutOfReach>,
    /// Communes at standard after the plan that were not before.
    pub newly_standard: Vec<String>,
    /// Funded projects.
    pub projects: Vec<FundedProject>,
    /// Lexicographic stages after the objective, in order (empty when turned off).
    pub tie_break: Vec<TieBreak>,
    /// Status of the communes before the plan (the report's "before" tables).
    pub before: Evaluation,
    /// Status of the communes after the plan, at the end of the last planning year.
    pub after: Evaluation,
}

/// Plans a scenario.
pub fn plan(scenario: &Scenario, options: &PlanOptions) -> Result<Plan> {
    plan_from(scenario, options, &BTreeMap::new())
}

/// Plans a scenario, the starting plan grown from `seed` (project → year, a warm start such as
/// a close variant's plan) when the budgets can pay for it, else from nothing.
pub(crate) fn plan_from(
    scenario: &Scenario,
    options: &PlanOptions,
    seed: &BTreeMap<usize, u16>,
) -> Result<Plan> {
    plan_targets(scenario, options, seed)
}

/// A plan's funded projects as a selection of `scenario`'s projects (by id; projects the
/// scenario lacks, or years outside its planning years, are left out).
pub(crate) fn selection_of(scenario: &Scenario, plan: &Plan) -> BTreeMap<usize, u16> {
    let index: BTreeMap<&str, usize> = scenario
        .projects
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    plan.projects
        .iter()
        .filter(|f| scenario.years.contains(&f.year))
        .filter_map(|f| Some((*index.get(f.id.as_str())?, f.year)))
        .collect()
}

/// Plans a scenario on the targets the projects can move.
fn plan_targets(
    scenario: &Scenario,
    options: &PlanOptions,
    seed: &BTreeMap<usize, u16>,
) -> Result<Plan> {
    let settings = settings_of(options)?;
    let trace = Trace::new(settings);
    let years = planning_years(scenario)?;
    // Targets no money reaches with these projects are capped at what funding everything
    // reaches, and reported.
    let (requirements, out_of_reach) =
        reachable(scenario, &years, &requirements_of(scenario, &years))?;
    let goal = match options.objective {
        Objective::MinCost => Goal::MinCost,
        Objective::MaxStandard => Goal::MaxStandard,
        Objective::MaxCriteria => Goal::MaxCriteria,
    };
    let form = Formulation::build(scenario, goal, &requirements)?;
    if let Some(path) = &options.export_lp {
        text::write_atomic(path, form.model.to_lp().as_bytes())?;
    }
    // The LP relaxation on a thread of its own from the start, so a search stopped by the time
    // limit still has a useful proven bound (a decomposed solve has it already).
    let none = BTreeMap::new();
    let seed = if seed.is_empty() || affordable(scenario, &form, seed) {
        seed
    } else {
        &none
    };
    trace.stage("model built");
    // The starting plan, the search and the tie-break stages end before the deadline; the
    // proof bound, the pruning, the money split and the report get the rest
    // (docs/model.md, "Starting plan and time limits"): at least [`BOUND_RESERVE`] of the
    // limit, and on large scenarios [`FINISH_PER_BUILD`] times what building the model took.
    let search = search_settings(settings, FINISH_PER_BUILD * trace.elapsed());
    let mut start = start_plan(scenario, &form, &requirements, search, seed);
    trace.stage("start");
    let relaxation = (start.relaxed.is_none() && start.method != Method::Decompose)
        .then(|| Relaxation::start(&form.model, settings));
    if !meets(scenario, &form, &start.chosen) {
        // Elastic requirements: the least total shortfall with the money there is.
        let (elastic, solved) = solve_elastic(scenario, search, &requirements)?;
        trace.stage("elastic");
        let chosen = elastic.selection(&solved.values);
        if elastic.model.objective_of(&solved.values) > 0.5 {
            return infeasible_plan(
                scenario,
                options,
                search,
                &years,
                &requirements,
                &elastic,
                solved,
            )
            .map(|plan| Plan {
                out_of_reach: out_of_reach.clone(),
                ..plan
            });
        }
        start.chosen = chosen;
    }
    let mut solved = match run(scenario, &form, search, &start, BoundFrom::Background)? {
        Run::Solved(solved) => solved,
        Run::Infeasible => {
            let (elastic, solved) = solve_elastic(scenario, search, &requirements)?;
            return infeasible_plan(
                scenario,
                options,
                search,
                &years,
                &requirements,
                &elastic,
                solved,
            )
            .map(|plan| Plan {
                out_of_reach: out_of_reach.clone(),
                ..plan
            });
        }
    };
    trace.stage("search");
    let mut chosen = form.selection(&solved.values);
    let objective = form.model.objective_of(&solved.values);
    let mut stages = Vec::new();
    if options.tie_break {
        let state_value = (goal == Goal::MinCost).then_some(objective);
        (chosen, stages) = tie_break(
            scenario,
            search,
            &requirements,
            goal,
            objective,
            state_value,
            chosen,
        )?;
    }
    trace.stage("tie-break");
    if matches!(goal, Goal::MaxStandard | Goal::MaxCriteria) {
        chosen = prune(scenario, &form, chosen);
    }
    trace.stage("prune");
    // The proof bound last: the relaxation has run beside the stages above (waited for until
    // the deadline). When the search gave no bound at all, the variables' own ranges stand in if
    // the relaxation is not done.
    if !solved.optimal {
        let waited = relaxation.and_then(|r| r.bound(solved.bound.is_none()));
        solved.bound = tighter_bound(&form.model, solved.bound, waited)
            .or_else(|| tighter_bound(&form.model, Some(box_bound(&form.model)), None));
        solved.optimal = solved.bound.is_some_and(|b| (b - objective).abs() < 1e-6);
    }
    let (objective, bound) = match goal {
        Goal::MinCost => (
            objective / formulation::MONEY_SCALE,
            solved.bound.map(|b| b / formulation::MONEY_SCALE),
        ),
        _ => (objective, solved.bound),
    };
    let status = if solved.optimal {
        PlanStatus::Optimal
    } else {
        PlanStatus::Feasible
    };
    let mut plan = assemble(
        scenario,
        options,
        &years,
        &form,
        &chosen,
        budgets(scenario, &years),
        false,
    )?;
    plan.status = status;
    plan.objective = match goal {
        Goal::MinCost => state_spend(scenario, &plan).to_f64().unwrap_or(objective),
        _ => objective,
    };
    plan.bound = bound;
    plan.gap = gap_of(plan.objective, bound, solved.optimal);
    plan.tie_break = stages
        .into_iter()
        .map(|stage| {
            let value = match stage.what {
                TieBreakKind::LeastStateSpend => state_spend(scenario, &plan),
                TieBreakKind::LeastTotalSpend => plan.spend_by_source.values().copied().sum(),
            };
            // To the VND: no solver noise below it. A stage skipped for want of time has none.
            let bound = stage
                .bound
                .map(|b| (b / formulation::MONEY_SCALE * 1e6).round() / 1e6);
            TieBreak {
                what: stage.what,
                value: value.normalize(),
                bound,
                gap: gap_of(value.to_f64().unwrap_or(0.0), bound, stage.optimal),
                optimal: stage.optimal,
            }
        })
        .collect();
    plan.status = plan.status.with_out_of_reach(!out_of_reach.is_empty());
    plan.out_of_reach = out_of_reach;
    trace.stage("assembled");
    Ok(plan)
}

/// With `NTM_PLAN_LOG` set, each stage of a plan and the time left before the deadline, on
/// stderr (for tuning the time limits; never in the outputs).
struct Trace {
    on: bool,
    started: Instant,
    settings: Settings,
}

impl Trace {
    fn new(settings: Settings) -> Trace {
        Trace {
            on: std::env::var_os("NTM_PLAN_LOG").is_some(),
            started: Instant::now(),
            settings,
        }
    }

    /// Seconds since the plan began.
    fn elapsed(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    fn stage(&self, what: &str) {
        if self.on {
            eprintln!(
                "plan: {what} at {:.2} s, {:.2} s left",
                self.elapsed(),
                self.settings.time_left().unwrap_or(f64::INFINITY)
            );
        }
    }
}

fn settings_of(options: &PlanOptions) -> Result<Settings> {
    check_backend(options.backend)?;
    if options.gap.is_some_and(|g| !(0.0..1.0).contains(&g)) {
        return Err(Error::Unsupported {
            message: "the gap must be at least 0 and below 1".into(),
            hint: "write it as a fraction: `--gap 0.01` for 1 %".into(),
        });
    }
    if options
        .time_limit
        .is_some_and(|t| !(t > 0.0 && t <= MAX_TIME_LIMIT))
    {
        return Err(Error::Unsupported {
            message: format!(
                "the time limit must be a positive number of seconds, at most {MAX_TIME_LIMIT}"
            ),
            hint: "e.g. `--time-limit 30`".into(),
        });
    }
    Ok(Settings {
        backend: options.backend,
        time_limit: options.time_limit,
        gap: options.gap,
        deadline: options
            .deadline
            .or_else(|| options.time_limit.and_then(deadline_after)),
        quick: options.quick,
    })
}

/// Seconds kept after the search for the stages that finish a plan (money split, pruning,
/// status, report), per second that building the model took: they walk the same projects and
/// communes (measured at 10.000 communes: about 4 s after a 2,7 s build).
const FINISH_PER_BUILD: f64 = 2.5;

/// The settings of the search stages (starting plan, branch and bound, tie-break, elastic and
/// least-extra models): the command's deadline moved earlier by [`BOUND_RESERVE`] of the time
/// limit, or by `finish` seconds when more, so the proof bound, the pruning and the money split
/// fit before the deadline.
fn search_settings(settings: Settings, finish: f64) -> Settings {
    let mut search = settings;
    if let (Some(deadline), Some(limit)) = (settings.deadline, settings.time_limit) {
        let reserve =
            Duration::try_from_secs_f64((limit * BOUND_RESERVE).max(finish)).unwrap_or_default();
        search.deadline = Some(deadline.checked_sub(reserve).unwrap_or(deadline));
    }
    search
}

/// The objective model's LP relaxation on a thread of its own (started when the model is
/// built), awaited after the other stages: the proof bound when the search stops unproven.
struct Relaxation {
    background: BackgroundBound,
    /// The command's settings (the deadline up to which the answer is awaited).
    settings: Settings,
}

impl Relaxation {
    fn start(model: &model::Model, settings: Settings) -> Relaxation {
        Relaxation {
            background: BackgroundBound::start(model, settings),
            settings,
        }
    }

    /// The relaxation's value, awaited until the deadline; when `needed` (the search gave no
    /// bound of its own), at least [`BOUND_RESERVE`] of the time limit even past it (a bounded
    /// overrun: a plan always has a bound).
    fn bound(self, needed: bool) -> Option<f64> {
        if needed {
            self.background.wait(self.settings)
        } else {
            self.background.wait_until(self.settings.deadline)
        }
    }
}

fn gap_of(objective: f64, bound: Option<f64>, optimal: bool) -> Option<f64> {
    if optimal {
        return Some(0.0);
    }
    bound.map(|b| ((b - objective).abs() / objective.abs().max(1.0)).max(0.0))
}

/// Whether the budgets can pay for a selection.
fn affordable(scenario: &Scenario, form: &Formulation, chosen: &BTreeMap<usize, u16>) -> bool {
    let totals = funding::totals_of(scenario, &form.group_of, chosen);
    funding::fund(
        scenario,
        &form.groups,
        &totals,
        false,
        funding::Hold::Nothing,
    )
    .is_some()
}

/// Whether a selection meets every requirement of a formulation (with hard requirements).
fn meets(scenario: &Scenario, form: &Formulation, chosen: &BTreeMap<usize, u16>) -> bool {
    funded_values(scenario, form, chosen).is_some_and(|values| {
        form.requirements
            .iter()
            .all(|r| r.terms.iter().map(|v| values[v.0]).sum::<f64>() >= r.need - 1e-6)
    })
}

/// A tie-break stage as solved: its bound and proof in solver units.
struct Stage {
    what: TieBreakKind,
    bound: Option<f64>,
    optimal: bool,
}

/// The lexicographic stages after the objective: among plans keeping the objective's value
/// (`objective`, a count for the maximising goals), the least state-budget spend, then among
/// those the least total spend. `state_value` is the state spend already minimised (goal
/// `MinCost`). Each stage starts from the plan before it, so a stage cut short by the time
/// limit keeps that plan.
fn tie_break(
    scenario: &Scenario,
    settings: Settings,
    requirements: &[Requirement],
    goal: Goal,
    objective: f64,
    state_value: Option<f64>,
    chosen: BTreeMap<usize, u16>,
) -> Result<(BTreeMap<usize, u16>, Vec<Stage>)> {
    let years = planning_years(scenario)?;
    let last = *years.last().unwrap_or(&0);
    let mut kept = requirements.to_vec();
    let count = (objective + 1e-6).floor() as i64;
    match goal {
        Goal::MaxStandard => kept.push(Requirement {
            year: last,
            measure: formulation::Measure::Tier(crate::catalog::TierId::Standard),
            at_least: count,
            group: None,
        }),
        Goal::MaxCriteria => kept.push(Requirement {
            year: last,
            measure: formulation::Measure::TotalCriteria,
            at_least: count,
            group: None,
        }),
        _ => {}
    }
    let mut chosen = chosen;
    let mut stages = Vec::new();
    // Each stage gets a quarter of the time limit (at least a second): the objective's own
    // answer comes first, and a stage cut short reports its gap. A stage starts only with a
    // second (or its share, if smaller) left; otherwise it and the stages after it are
    // skipped, reported with no bound.
    let mut settings = settings;
    settings.time_limit = settings.time_limit.map(|t| (t / 4.0).max(1.0).min(t));
    let has_time = |settings: &Settings| {
        let least = settings.time_limit.map_or(1.0, |t| t.min(1.0));
        settings.time_left().is_none_or(|left| left >= least)
    };
    let skipped = |what| Stage {
        what,
        bound: None,
        optimal: false,
    };
    let state_value = match state_value {
        Some(value) => value,
        None if !has_time(&settings) => {
            stages.push(skipped(TieBreakKind::LeastStateSpend));
            stages.push(skipped(TieBreakKind::LeastTotalSpend));
            return Ok((chosen, stages));
        }
        None => {
            let settings = stage_settings(settings);
            let form = Formulation::build(scenario, Goal::MinCost, &kept)?;
            let start = start_at(scenario, &form, settings, chosen.clone());
            let Run::Solved(solved) =
                run(scenario, &form, settings, &start, BoundFrom::Relaxation)?
            else {
                return Err(Error::Internal(
                    "the plan's own objective value cannot be kept in the tie-break".into(),
                ));
            };
            chosen = form.selection(&solved.values);
            stages.push(Stage {
                what: TieBreakKind::LeastStateSpend,
                bound: solved.bound,
                optimal: solved.optimal,
            });
            form.model.objective_of(&solved.values)
        }
    };
    if !has_time(&settings) {
        stages.push(skipped(TieBreakKind::LeastTotalSpend));
        return Ok((chosen, stages));
    }
    let settings = stage_settings(settings);
    let mut form = Formulation::build(scenario, Goal::MinTotal, &kept)?;
    // A thousandth of a million VND of room: the funding split of the plan so far must fit.
    form.cap_state_spend(scenario, state_value + 1e-6);
    let start = start_at(scenario, &form, settings, chosen.clone());
    let Run::Solved(solved) = run(scenario, &form, settings, &start, BoundFrom::Relaxation)? else {
        return Err(Error::Internal(
            "the least state spend cannot be kept in the tie-break".into(),
        ));
    };
    stages.push(Stage {
        what: TieBreakKind::LeastTotalSpend,
        bound: solved.bound,
        optimal: solved.optimal,
    });
    // The plan is paid as the report pays it (to the VND, budgets held back a little for the
    // rounding): a stage that keeps the state money only up to that rounding keeps the plan
    // before it, so it never reports more state money than the stage before.
    let after = form.selection(&solved.values);
    let paid = |chosen: &BTreeMap<usize, u16>| state_money_paid(scenario, &form, chosen);
    match (paid(&chosen), paid(&after)) {
        (Some(before), Some(now)) if now > before + 1e-9 => Ok((chosen, stages)),
        _ => Ok((after, stages)),
    }
}

/// A tie-break stage's settings: its share of the time (`time_limit`) is the whole stage's,
/// not each solve's, so a stage that spends it in column generation does not start a search of
/// the same length after it.
fn stage_settings(settings: Settings) -> Settings {
    let Some(end) = settings.time_limit.and_then(deadline_after) else {
        return settings;
    };
    Settings {
        deadline: Some(settings.deadline.map_or(end, |d| d.min(end))),
        ..settings
    }
}

/// The state-budget money of a selection as the report's split pays it (with room for the VND),
/// solver units; `None` when the budgets cannot pay.
fn state_money_paid(
    scenario: &Scenario,
    form: &Formulation,
    chosen: &BTreeMap<usize, u16>,
) -> Option<f64> {
    let totals = funding::totals_of(scenario, &form.group_of, chosen);
    let money = funding::fund(scenario, &form.groups, &totals, false, funding::Hold::Vnd)?;
    Some(
        money
            .amounts
            .iter()
            .filter(|((_, s, _), _)| scenario.capital_sources[*s].kind.is_state_budget())
            .map(|(_, v)| v)
            .sum(),
    )
}

/// How a solve of a formulation ended.
enum Run {
    /// Values (the starting plan's, when time ran out before the solver found any).
    Solved(Solved),
    /// The model has no solution: the hard requirements cannot all be met.
    Infeasible,
}

/// The elastic model (least total shortfall with the money there is), solved from the
/// cheapest-first start.
fn solve_elastic(
    scenario: &Scenario,
    settings: Settings,
    requirements: &[Requirement],
) -> Result<(Formulation, Solved)> {
    let elastic = Formulation::build(scenario, Goal::MinShortfall, requirements)?;
    let start = start_plan(scenario, &elastic, requirements, settings, &BTreeMap::new());
    match run(scenario, &elastic, settings, &start, BoundFrom::Relaxation)? {
        Run::Solved(solved) => Ok((elastic, solved)),
        Run::Infeasible => Err(Error::Internal(
            "the elastic model (every target with its shortfall) has no solution".into(),
        )),
    }
}

/// Where the bound of a solve stopped before any plan of its own comes from.
enum BoundFrom {
    /// The objective model's relaxation, already running on its own thread: the caller awaits
    /// it once its other stages are done (no bound from `run`).
    Background,
    /// The relaxation solved now, in the time kept for it ([`bound_when_unproven`]).
    Relaxation,
    /// No bound wanted (the least-extra models report only their plan and whether it is
    /// proven): no relaxation is solved for them.
    Unwanted,
}

/// Solves a formulation from a start; the start stands in when time runs out before the
/// solver finds anything, with the bound `bound` says. A start with the relaxation (a model of
/// many communes) is improved by decomposition (`decompose`) instead of solving the whole model.
fn run(
    scenario: &Scenario,
    form: &Formulation,
    settings: Settings,
    start: &Start,
    bound: BoundFrom,
) -> Result<Run> {
    let hint = values_of(scenario, form, &start.chosen);
    let gap = settings.gap.unwrap_or(0.0);
    match (start.method, &start.relaxed, &hint) {
        (Method::Decompose, _, Some(values)) => {
            let found = decompose::improve_with_columns(
                &form.model,
                &start.blocks,
                settings,
                None,
                values,
                gap,
            );
            return Ok(Run::Solved(whole_after(form, settings, found, false)));
        }
        (Method::SmallModel, Some(relaxed), Some(values)) if settings.quick => {
            return Ok(Run::Solved(decompose::improve_with_columns(
                &form.model,
                &start.blocks,
                settings,
                Some(relaxed),
                values,
                gap,
            )));
        }
        (Method::SmallModel, Some(relaxed), Some(values)) => {
            // A start at the relaxation's bound is proven; otherwise column generation may
            // prove it, or a better plan, and the whole model is solved from there.
            let bound = decompose::bound_of(&form.model, relaxed);
            let (found, _) = decompose::by_columns(
                &form.model,
                &start.blocks,
                settings,
                values,
                Some(bound),
                gap,
            );
            return Ok(Run::Solved(whole_after(form, settings, found, true)));
        }
        _ => {}
    }
    match solve(&form.model, settings, hint.as_deref()) {
        Ok(solved) => Ok(Run::Solved(solved)),
        Err(Failure::Infeasible) => Ok(Run::Infeasible),
        Err(Failure::Other(message)) => match hint {
            Some(values) => Ok(Run::Solved(Solved {
                bound: match bound {
                    BoundFrom::Background => None,
                    BoundFrom::Relaxation => Some(bound_when_unproven(&form.model, settings)),
                    BoundFrom::Unwanted => None,
                },
                values,
                optimal: false,
            })),
            None => Err(Error::Solver(message)),
        },
    }
}

/// The whole model's own search from `found` (a plan from column generation, with its bound)
/// when that plan is not within the gap, for a small model; for a decomposed one only with
/// HiGHS (microlp's search gets no further at that size), and not for the quick what-ifs. The
/// better plan is kept, with the tighter bound.
fn whole_after(form: &Formulation, settings: Settings, found: Solved, small: bool) -> Solved {
    let gap = settings.gap.unwrap_or(0.0);
    if settings.quick
        || (!small && settings.backend != Backend::Highs)
        || decompose::at_bound(&form.model, &found.values, found.bound, gap).is_some()
    {
        return found;
    }
    match solve(&form.model, settings, Some(&found.values)) {
        Ok(mut solved)
            if solved.optimal
                || !form.model.sense.is_better(
                    form.model.objective_of(&found.values),
                    form.model.objective_of(&solved.values),
                ) =>
        {
            solved.bound = tighter_bound(&form.model, solved.bound, found.bound);
            solved
        }
        _ => found,
    }
}

/// Drops funded projects that change no indicator of their commune (they serve neither the
/// objective nor a target), so ties resolve to the cheaper plan. It runs whatever the deadline:
/// a plan paying for projects that change nothing is money wasted, and the check is one
/// commune's evaluation per funded project (0.5 s for Lai Châu ×10 in a debug build).
fn prune(
    scenario: &Scenario,
    form: &Formulation,
    chosen: BTreeMap<usize, u16>,
) -> BTreeMap<usize, u16> {
    // Each commune's funded projects, so a commune's check reads only its own.
    let mut by_commune: BTreeMap<usize, BTreeMap<usize, u16>> = BTreeMap::new();
    for (p, t) in &chosen {
        by_commune
            .entry(scenario.projects[*p].commune)
            .or_default()
            .insert(*p, *t);
    }
    let mut chosen = chosen;
    for (c, mut own) in by_commune {
        let local = |sel: &BTreeMap<usize, u16>| -> Vec<bool> {
            form.years
                .iter()
                .flat_map(|t| {
                    let projects: Vec<crate::scenario::Project> = sel
                        .iter()
                        .filter(|(_, y)| **y <= *t)
                        .map(|(p, _)| {
                            let mut proj = scenario.projects[*p].clone();
                            proj.commune = 0;
                            proj
                        })
                        .collect();
                    let after =
                        apply_projects(std::slice::from_ref(&scenario.communes[c]), &projects);
                    let e = evaluate_communes(&scenario.catalog, &after, None);
                    let s = &e.per_commune[0];
                    let mut flags: Vec<bool> = scenario
                        .catalog
                        .criteria
                        .iter()
                        .map(|k| s.met.contains(k.id))
                        .collect();
                    flags.push(s.tier.is_some());
                    flags.push(s.criteria_met > 0);
                    flags.extend(
                        (0..=scenario.catalog.criteria.len() as u32).map(|m| s.criteria_met >= m),
                    );
                    // The advanced set (projects with advanced-level gains).
                    let advanced = &after[0].advanced_met;
                    flags.extend(
                        scenario
                            .catalog
                            .criteria
                            .iter()
                            .map(|k| advanced.contains(k.id)),
                    );
                    flags
                })
                .collect()
        };
        let reference = local(&own);
        let mut members: Vec<usize> = own
            .keys()
            .copied()
            .filter(|p| scenario.projects[*p].must.is_none())
            .collect();
        // Most expensive first, then the last listed.
        members.sort_by(|a, b| {
            scenario.projects[*b]
                .cost
                .cmp(&scenario.projects[*a].cost)
                .then(b.cmp(a))
        });
        for p in members {
            let year = own[&p];
            own.remove(&p);
            if local(&own) == reference {
                chosen.remove(&p);
            } else {
                own.insert(p, year);
            }
        }
    }
    chosen
}

/// Budget per (source, year), million VND.
fn budgets(scenario: &Scenario, years: &[u16]) -> BTreeMap<(usize, u16), Decimal> {
    let mut out = BTreeMap::new();
    for (s, source) in scenario.capital_sources.iter().enumerate() {
        for &t in years {
            out.insert((s, t), source.budget_in(t));
        }
    }
    out
}

fn state_spend(scenario: &Scenario, plan: &Plan) -> Decimal {
    scenario
        .capital_sources
        .iter()
        .filter(|s| s.kind.is_state_budget())
        .filter_map(|s| plan.spend_by_source.get(&s.id))
        .sum()
}

/// Builds the reported plan from a selection: exact money, outcome, targets.
fn assemble(
    scenario: &Scenario,
    options: &PlanOptions,
    years: &[u16],
    form: &Formulation,
    chosen: &BTreeMap<usize, u16>,
    limits: BTreeMap<(usize, u16), Decimal>,
    allow_extra: bool,
) -> Result<Plan> {
    let totals = funding::totals_of(scenario, &form.group_of, chosen);
    let group_sources: Vec<Vec<usize>> = form.groups.iter().map(|g| g.sources.clone()).collect();
    let mut outcome = Err(Error::Internal(
        "the selected projects cannot be funded within the budgets".into(),
    ));
    // Within budgets: first the funding LP's own split (so no money moves between sources),
    // then, only if rounding to the VND does not fit, with a little room held back, then more.
    // With extra money: the extra rounded up to the VND, then one VND more.
    let attempts: &[(funding::Hold, i64)] = if allow_extra {
        &[(funding::Hold::Nothing, 0), (funding::Hold::Nothing, 1)]
    } else {
        &[
            (funding::Hold::Nothing, 0),
            (funding::Hold::Vnd, 0),
            (funding::Hold::Billionth, 0),
            (funding::Hold::Wide, 0),
        ]
    };
    for &(hold, slack) in attempts {
        let Some(money) = funding::fund(scenario, &form.groups, &totals, allow_extra, hold) else {
            continue;
        };
        let mut limits = limits.clone();
        for ((s, t), e) in &money.extra {
            // Nearest VND (the float carries noise below it); one VND more on the retry.
            let extra = Decimal::from_f64(e / formulation::MONEY_SCALE)
                .unwrap_or(Decimal::ZERO)
                .round_dp(6);
            if extra > Decimal::ZERO {
                *limits.entry((*s, *t)).or_default() += extra + Decimal::new(slack, 6);
            }
        }
        outcome = reconcile::reconcile(
            scenario,
            &form.group_of,
            &group_sources,
            chosen,
            &money,
            &limits,
        );
        if outcome.is_ok() {
            break;
        }
        if std::env::var_os("NTM_PLAN_LOG").is_some() {
            eprintln!(
                "plan: money split (hold {hold:?}, slack {slack}): {:?}",
                outcome.as_ref().err()
            );
        }
    }
    let projects = outcome?;
    let sources = &scenario.capital_sources;
    let mut spend_by_source: BTreeMap<String, Decimal> = sources
        .iter()
        .map(|s| (s.id.clone(), Decimal::ZERO))
        .collect();
    let mut spend_by_year: BTreeMap<(String, u16), Decimal> = BTreeMap::new();
    for fp in &projects {
        for (id, amount) in &fp.funding {
            *spend_by_source.entry(id.clone()).or_default() += *amount;
            *spend_by_year.entry((id.clone(), fp.year)).or_default() += *amount;
        }
    }
    let budget_by_source: BTreeMap<String, Decimal> = sources
        .iter()
        .map(|s| (s.id.clone(), years.iter().map(|t| s.budget_in(*t)).sum()))
        .collect();
    let extra_budget = if allow_extra {
        let mut extra: BTreeMap<String, Decimal> = BTreeMap::new();
        for ((id, t), amount) in &spend_by_year {
            let budget = sources
                .iter()
                .find(|s| s.id == *id)
                .map_or(Decimal::ZERO, |s| s.budget_in(*t));
            if *amount > budget {
                *extra.entry(id.clone()).or_default() += *amount - budget;
            }
        }
        extra
    } else {
        BTreeMap::new()
    };
    let (after, targets) = outcome_of(scenario, years, chosen);
    let before = evaluate(scenario);
    let newly_standard = before
        .per_commune
        .iter()
        .zip(&after.per_commune)
        .filter(|(b, a)| b.tier.is_none() && a.tier.is_some())
        .map(|(_, a)| a.id.clone())
        .collect();
    Ok(Plan {
        scenario: scenario.name.clone(),
        synthetic: scenario.synthetic.clone(),
        objective_kind: options.objective,
        solver: options.backend,
        status: PlanStatus::Feasible,
        objective: 0.0,
        bound: None,
        gap: None,
        spend_by_source,
        budget_by_source,
        targets,
        extra_budget,
        out_of_reach: Vec::new(),
        newly_standard,
        projects,
        tie_break: Vec::new(),
        before,
        after,
    })
}

/// The communes at the end of the last planning year with the projects of `chosen`, and each
/// target against the communes at the end of its own year (in target order).
fn outcome_of(
    scenario: &Scenario,
    years: &[u16],
    chosen: &BTreeMap<usize, u16>,
) -> (Evaluation, Vec<TargetOutcome>) {
    let after_year = |t: u16| {
        let funded = chosen
            .iter()
            .filter(|(_, y)| **y <= t)
            .map(|(p, _)| &scenario.projects[*p]);
        evaluate_communes(
            &scenario.catalog,
            &apply_projects(&scenario.communes, funded),
            scenario.synthetic.clone(),
        )
    };
    let last = *years.last().unwrap_or(&0);
    let after = after_year(last);
    let mut targets: Vec<Option<TargetOutcome>> = vec![None; scenario.targets.len()];
    let target_years: BTreeSet<u16> = scenario
        .targets
        .iter()
        .map(|t| year_of_target(years, t.year))
        .collect();
    for t in target_years {
        let evaluation = if t == last {
            after.clone()
        } else {
            after_year(t)
        };
        let same: Vec<usize> = (0..scenario.targets.len())
            .filter(|i| year_of_target(years, scenario.targets[*i].year) == t)
            .collect();
        let list: Vec<crate::scenario::Target> =
            same.iter().map(|i| scenario.targets[*i].clone()).collect();
        for (i, outcome) in same
            .iter()
            .zip(target_outcomes(&list, &evaluation, &scenario.catalog))
        {
            targets[*i] = Some(outcome);
        }
    }
    (after, targets.into_iter().flatten().collect())
}

/// The best plan when the targets cannot all be met: least total shortfall, with the least
/// extra money per source that makes every reachable target hold.
fn infeasible_plan(
    scenario: &Scenario,
    options: &PlanOptions,
    settings: Settings,
    years: &[u16],
    requirements: &[Requirement],
    elastic: &Formulation,
    solved: Solved,
) -> Result<Plan> {
    let chosen = elastic.selection(&solved.values);
    // Shortfalls are whole counts.
    let shortfall = elastic.model.objective_of(&solved.values).round();
    let mut plan = assemble(
        scenario,
        options,
        years,
        elastic,
        &chosen,
        budgets(scenario, years),
        false,
    )?;
    plan.status = PlanStatus::Infeasible;
    plan.objective = shortfall;
    // Never weaker than the shortfalls' own range (no shortfall is below zero); `+ 0.0` turns
    // a negative zero into zero.
    let bound = tighter_bound(
        &elastic.model,
        solved.bound,
        Some(box_bound(&elastic.model)),
    )
    .map(|b| b + 0.0);
    plan.bound = bound;
    plan.gap = gap_of(shortfall, bound, solved.optimal);
    if bound.is_none_or(|b| b < 0.5) {
        plan.status = PlanStatus::ShortUnproven;
    }
    // The extra money that would reach every target: a search of its own, only with time
    // left (a plan past its deadline reports none rather than overrun the limit).
    let none = BTreeMap::new();
    if settings.time_left().is_none_or(|left| left > 0.0) {
        if let Some(extra) = least_extra(scenario, options, settings, years, requirements, &none)? {
            plan.extra_budget = extra.extra_budget;
        }
    }
    Ok(plan)
}

/// Requirements capped at what funding every candidate project reaches, and the targets out of
/// reach with any money: those that capping lowered, and the level targets (no project raises
/// them) that the communes miss even then.
fn reachable(
    scenario: &Scenario,
    years: &[u16],
    requirements: &[Requirement],
) -> Result<(Vec<Requirement>, Vec<OutOfReach>)> {
    let everything = Formulation::build(scenario, Goal::MinExtra, requirements)?;
    let all: BTreeMap<usize, u16> = scenario
        .projects
        .iter()
        .enumerate()
        .filter(|(_, p)| p.must != Some(crate::scenario::Must::Skip))
        .filter_map(|(i, p)| p.first_year_in(years).map(|t| (i, t)))
        .collect();
    // What every candidate reaches, target by target (gains only add: the most there is).
    let (_, most) = outcome_of(scenario, years, &all);
    let entry = |i: usize, why: OutOfReachReason| OutOfReach {
        target: i,
        name: most[i].name.clone(),
        name_vi: most[i].name_vi.clone(),
        year: most[i].year,
        why,
        value: most[i].target,
        reachable: most[i].achieved,
    };
    let mut out_of_reach: BTreeMap<usize, OutOfReach> = scenario
        .targets
        .iter()
        .enumerate()
        .filter(|(i, t)| match t.kind {
            crate::scenario::TargetKind::LevelCriterion { criterion, .. } => {
                most[*i].shortfall > Decimal::ZERO
                    && !scenario.projects.iter().any(|p| {
                        p.must != Some(crate::scenario::Must::Skip)
                            && p.gains.iter().any(|g| g.raises_advanced(criterion))
                    })
            }
            _ => false,
        })
        .map(|(i, _)| (i, entry(i, OutOfReachReason::NoProjectRaisesIt)))
        .collect();
    let all = everything.normalize(&all);
    let totals = funding::totals_of(scenario, &everything.group_of, &all);
    let Some(money) = funding::fund(
        scenario,
        &everything.groups,
        &totals,
        true,
        funding::Hold::Nothing,
    ) else {
        return Ok((requirements.to_vec(), out_of_reach.into_values().collect()));
    };
    let values = everything.values_for(scenario, &all, &money);
    let mut capped = Vec::new();
    for (i, (req, row)) in requirements
        .iter()
        .zip(&everything.requirements)
        .enumerate()
    {
        let mut req = req.clone();
        let slack = row.terms.iter().map(|v| values[v.0]).sum::<f64>() - row.need;
        if slack < -1e-6 {
            out_of_reach
                .entry(i)
                .or_insert_with(|| entry(i, OutOfReachReason::BeyondAllCandidates));
            req.at_least += slack.floor() as i64;
        }
        capped.push(req);
    }
    Ok((capped, out_of_reach.into_values().collect()))
}

/// The plan with the least extra money beyond the budgets that makes the scenario's targets and
/// `extra` hold (what-if re-solves: marginal costs), from `seed`; see [`least_extra`]. The first
/// of `within_budgets` (selections to try first) that makes them hold with no extra money at
/// all is that plan, proven least without a search: no plan needs less than none. Otherwise
/// the search starts from the try that needs the least extra money (or from `seed`).
pub(crate) fn least_extra_plan(
    scenario: &Scenario,
    options: &PlanOptions,
    extra: &[Requirement],
    seed: &BTreeMap<usize, u16>,
    within_budgets: &[BTreeMap<usize, u16>],
) -> Result<Option<Plan>> {
    let settings = settings_of(options)?;
    let years = planning_years(scenario)?;
    let mut requirements = requirements_of(scenario, &years);
    requirements.extend_from_slice(extra);
    // The search starts from the try that needs the least extra money, when one is cheaper
    // than `seed`.
    let mut start: (f64, &BTreeMap<usize, u16>) = (f64::INFINITY, seed);
    // Like every solve, only while time is left.
    if !within_budgets.is_empty() && settings.time_left().is_none_or(|left| left > 0.0) {
        let form = Formulation::build(scenario, Goal::MinExtra, &requirements)?;
        // No extra money at all: the least there is (the extra money's own range).
        let least = Some(box_bound(&form.model));
        if let Some(values) = values_of(scenario, &form, seed) {
            start.0 = form.model.objective_of(&values);
        }
        for chosen in within_budgets {
            let Some(values) = values_of(scenario, &form, chosen) else {
                continue;
            };
            let needs = form.model.objective_of(&values);
            if needs < start.0 {
                start = (needs, chosen);
            }
            if decompose::at_bound(&form.model, &values, least, 0.0).is_some() {
                let chosen = form.selection(&values);
                let mut plan = assemble(
                    scenario,
                    options,
                    &years,
                    &form,
                    &chosen,
                    budgets(scenario, &years),
                    true,
                )?;
                // (Exact money: the VND rounding could still ask for a little.)
                if plan.extra_budget.values().all(|e| e.is_zero()) {
                    plan.status = PlanStatus::Optimal;
                    return Ok(Some(plan));
                }
            }
        }
    }
    least_extra(scenario, options, settings, &years, &requirements, start.1)
}

/// The plan with the least extra money per source (million VND, in `extra_budget`) beyond the
/// budgets that makes every requirement hold, its status saying whether that least is proven;
/// `None` when no money reaches them. The search starts from `seed` grown greedily until every
/// requirement holds.
fn least_extra(
    scenario: &Scenario,
    options: &PlanOptions,
    settings: Settings,
    years: &[u16],
    requirements: &[Requirement],
    seed: &BTreeMap<usize, u16>,
) -> Result<Option<Plan>> {
    let extra = Formulation::build(scenario, Goal::MinExtra, requirements)?;
    let start = start_plan(scenario, &extra, requirements, settings, seed);
    match run(scenario, &extra, settings, &start, BoundFrom::Unwanted)? {
        Run::Solved(solved) => {
            let chosen = extra.selection(&solved.values);
            let mut plan = assemble(
                scenario,
                options,
                years,
                &extra,
                &chosen,
                budgets(scenario, years),
                true,
            )?;
            plan.status = if solved.optimal {
                PlanStatus::Optimal
            } else {
                PlanStatus::Feasible
            };
            Ok(Some(plan))
        }
        Run::Infeasible => Ok(None),
    }
}
