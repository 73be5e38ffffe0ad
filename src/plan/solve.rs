//! Solver backends (bộ giải): translate a [`Model`] to good_lp and solve it with microlp or,
//! when compiled in, HiGHS. The only solver-specific code of the planner.

use good_lp::{
    variable, Expression, ProblemVariables, ResolutionError, Solution, SolverModel, Variable,
    WithInitialSolution, WithMipGap, WithTimeLimit,
};

use std::time::Instant;

use super::model::{Model, Sense, Var};
use super::Backend;
use crate::error::{Error, Result};

/// Models up to this many variables get an LP relaxation solve to set the stopping gap.
const RELAXATION_FOR_GAP_VARS: usize = 20_000;

/// How a solve ended.
#[derive(Debug, Clone)]
pub(crate) struct Solved {
    /// Value of every model variable.
    pub values: Vec<f64>,
    /// Proven optimal (within the solver's default tolerance).
    pub optimal: bool,
    /// Best proven bound on the objective, where the solver reports one.
    pub bound: Option<f64>,
}

/// Why a solve gave no values.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The model has no solution.
    Infeasible,
    /// Time ran out before any solution, or the solver failed.
    Other(String),
}

/// Solver settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub backend: Backend,
    /// Seconds one solve may take; never beyond `deadline`.
    pub time_limit: Option<f64>,
    pub gap: Option<f64>,
    /// When the whole command must be done: every solve gets at most the time left.
    pub deadline: Option<Instant>,
    /// Decomposition only ([`super::PlanOptions::quick`]).
    pub quick: bool,
}

impl Settings {
    /// Settings for a small LP that must always be solved (no time limit, no deadline).
    pub fn unlimited() -> Settings {
        Settings {
            backend: Backend::Microlp,
            time_limit: None,
            gap: None,
            deadline: None,
            quick: false,
        }
    }

    /// Seconds left before the deadline (0 once it has passed); `None` without a deadline.
    pub fn time_left(&self) -> Option<f64> {
        self.deadline.map(|d| {
            d.checked_duration_since(Instant::now())
                .map_or(0.0, |left| left.as_secs_f64())
        })
    }

    /// Whether the deadline has passed (never without one).
    pub fn past_deadline(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// The time limit of the next solve: the smaller of `time_limit` and the time left before
    /// the deadline; `Err` when the deadline has passed.
    fn limit_now(&self) -> std::result::Result<Option<f64>, Failure> {
        let Some(left) = self.time_left() else {
            return Ok(self.time_limit);
        };
        if left < 1e-3 {
            return Err(Failure::Other("the time limit ran out".into()));
        }
        Ok(Some(self.time_limit.map_or(left, |t| t.min(left))))
    }
}

/// Whether a backend is compiled into this build; an error with a hint if not.
pub(crate) fn check_backend(backend: Backend) -> Result<()> {
    match backend {
        Backend::Microlp => Ok(()),
        Backend::Highs if cfg!(feature = "highs") => Ok(()),
        Backend::Highs => Err(Error::Unsupported {
            message: "this build has no HiGHS backend".into(),
            hint: "rebuild with `cargo build --release --features highs` (needs cmake and libclang-dev), or use `--solver microlp`".into(),
        }),
    }
}

/// Solves `model`, starting from `hint` when given (a full or partial assignment).
pub(crate) fn solve(
    model: &Model,
    settings: Settings,
    hint: Option<&[f64]>,
) -> std::result::Result<Solved, Failure> {
    if model.vars.is_empty() {
        return Ok(Solved {
            values: Vec::new(),
            optimal: true,
            bound: Some(model.obj_constant),
        });
    }
    let mut settings = settings;
    settings.time_limit = settings.limit_now()?;
    // With an integer objective, a bound less than one above the incumbent proves it optimal:
    // ask the solver to stop there (its gap is relative to the objective without constant).
    let steps = integral_objective(model);
    if let Some(steps) = steps {
        // When maximising, the incumbent (without constant) is at most the LP relaxation's
        // value: on models of province size that bound gives a looser, still safe, stop gap.
        let most = if model.sense == Sense::Maximize && model.vars.len() <= RELAXATION_FOR_GAP_VARS
        {
            relaxation_bound(model, settings)
                .map_or(steps, |b| (b - model.obj_constant).abs().min(steps))
        } else {
            steps
        };
        let proof = 0.999 / most.max(1.0);
        settings.gap = Some(settings.gap.unwrap_or(0.0).max(proof));
    }
    // The branch and bound keeps back a share of its time for the relaxation bound, needed when
    // it stops without a bound of its own. The time the relaxation above took counts: the
    // search gets what is left before the deadline.
    let mut search = settings;
    search.time_limit = settings.limit_now()?;
    if model.vars.iter().any(|v| v.integer) {
        search.time_limit = settings.time_limit.map(|t| t * (1.0 - BOUND_RESERVE));
    }
    let mut solved = solve_once(model, search, hint)?;
    if !solved.optimal && solved.bound.is_none() {
        solved.bound = Some(bound_when_unproven(model, settings));
    }
    if steps.is_some() {
        let objective = model.objective_of(&solved.values);
        solved.bound = solved.bound.map(|b| integral_bound(model, b));
        if solved.bound.is_some_and(|b| (b - objective).abs() < 1e-6) {
            solved.optimal = true;
        }
    }
    Ok(solved)
}

/// Solves a small model to optimality with microlp, no time limit, no hint: one commune's
/// model in column generation (`columns`), where a bound must be exact and the model is tiny.
pub(crate) fn solve_exact(model: &Model) -> std::result::Result<Solved, Failure> {
    if model.vars.is_empty() {
        return Ok(Solved {
            values: Vec::new(),
            optimal: true,
            bound: Some(model.obj_constant),
        });
    }
    solve_once(model, Settings::unlimited(), None)
}

/// Share of a solve's time limit kept for the relaxation bound after a branch and bound that
/// stops without a bound (microlp on large models, or the deadline passed before it ran).
pub(crate) const BOUND_RESERVE: f64 = 0.15;

/// A bound rounded to the objective's integer steps, when every term is integral.
pub(crate) fn integral_bound(model: &Model, bound: f64) -> f64 {
    match model.sense {
        Sense::Maximize => (bound + 1e-6).floor(),
        Sense::Minimize => (bound - 1e-6).ceil(),
    }
}

/// A proven bound for a solve that stopped without one, so a plan is always reported optimal
/// or with a bound and gap: the LP relaxation, given the time left before the deadline but at
/// least [`BOUND_RESERVE`] of the time limit (so it runs even when the deadline has just
/// passed: a bounded overrun), else the bound of the variables' own ranges
/// ([`box_bound`]); rounded to the objective's steps when they are integral.
pub(crate) fn bound_when_unproven(model: &Model, settings: Settings) -> f64 {
    let mut relax = settings;
    if let Some(left) = settings.time_left() {
        let reserve = settings.time_limit.map_or(1.0, |t| t * BOUND_RESERVE);
        relax.time_limit = Some(
            settings
                .time_limit
                .map_or(left, |t| t.min(left))
                .max(reserve),
        );
        relax.deadline = None;
    }
    rounded_bound(
        model,
        relaxation_bound(model, relax).unwrap_or_else(|| box_bound(model)),
    )
}

/// A bound rounded to the objective's steps when they are integral, else as it is.
pub(crate) fn rounded_bound(model: &Model, bound: f64) -> f64 {
    if integral_objective(model).is_some() {
        integral_bound(model, bound)
    } else {
        bound
    }
}

/// The LP relaxation solved on a thread of its own, started when the model is built, beside the
/// starting plan and the branch and bound (which on large models may stop with no bound).
pub(crate) struct BackgroundBound(std::sync::mpsc::Receiver<Option<f64>>);

impl BackgroundBound {
    /// Starts the relaxation, with no time limit of its own: [`BackgroundBound::wait`] decides
    /// how long its answer is awaited (a thread not done by then is left to finish and its
    /// answer dropped).
    pub fn start(model: &Model, settings: Settings) -> BackgroundBound {
        let (send, receive) = std::sync::mpsc::channel();
        let relaxed = model.clone();
        let mut relax = settings;
        relax.time_limit = None;
        relax.deadline = None;
        std::thread::spawn(move || {
            // The receiver may be gone (the plan was proven without it).
            let _ = send.send(relaxation_bound(&relaxed, relax));
        });
        BackgroundBound(receive)
    }

    /// The relaxation's value if it is done by `deadline` (waiting for it no longer than
    /// that; with no deadline, until it is done).
    pub fn wait_until(&self, deadline: Option<Instant>) -> Option<f64> {
        match deadline {
            Some(d) => {
                let left = d.checked_duration_since(Instant::now()).unwrap_or_default();
                self.0.recv_timeout(left).ok().flatten()
            }
            None => self.0.recv().ok().flatten(),
        }
    }

    /// The relaxation's value, waiting for it until the deadline, and at least
    /// [`BOUND_RESERVE`] of the time limit; `None` when it is not done by then.
    pub fn wait(&self, settings: Settings) -> Option<f64> {
        let left = settings.time_left().unwrap_or(0.0);
        let reserve = settings.time_limit.map_or(1.0, |t| t * BOUND_RESERVE);
        let wait = std::time::Duration::from_secs_f64(left.max(reserve));
        self.0.recv_timeout(wait).ok().flatten()
    }
}

/// The tighter of two proven bounds (the smaller when maximising), rounded to the objective's
/// steps when they are integral.
pub(crate) fn tighter_bound(model: &Model, a: Option<f64>, b: Option<f64>) -> Option<f64> {
    let best = match (a, b) {
        (Some(a), Some(b)) => Some(model.sense.tighter(a, b)),
        (a, b) => a.or(b),
    };
    best.map(|b| rounded_bound(model, b))
}

/// The objective with every variable at its best end of its range, rows ignored: a bound that
/// needs no solve (infinite when a variable that helps the objective is unbounded).
pub(crate) fn box_bound(model: &Model) -> f64 {
    let best = |v: &super::model::VarDef| {
        let (a, b) = (v.obj * v.lo, v.obj * v.hi);
        let (a, b) = (
            if a.is_nan() { 0.0 } else { a },
            if b.is_nan() { 0.0 } else { b },
        );
        match model.sense {
            Sense::Maximize => a.max(b),
            Sense::Minimize => a.min(b),
        }
    };
    model.obj_constant
        + model
            .vars
            .iter()
            .filter(|v| v.obj != 0.0)
            .map(best)
            .sum::<f64>()
}

/// One call of the backend, a panic inside it turned into a failure.
fn solve_once(
    model: &Model,
    settings: Settings,
    hint: Option<&[f64]>,
) -> std::result::Result<Solved, Failure> {
    let run = || match settings.backend {
        Backend::Microlp => solve_microlp(model, settings, hint),
        Backend::Highs => solve_highs(model, settings, hint),
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(result) => result,
        Err(_) => Err(Failure::Other("the solver stopped unexpectedly".into())),
    }
}

/// When the objective has at least one term and every term is an integer coefficient on an
/// integer variable: the sum of the coefficients' sizes (the objective's range without its
/// constant).
pub(crate) fn integral_objective(model: &Model) -> Option<f64> {
    if model.vars.iter().all(|v| v.obj == 0.0) {
        return None;
    }
    let mut sum = 0.0;
    for v in model.vars.iter().filter(|v| v.obj != 0.0) {
        if !v.integer || v.obj.fract() != 0.0 {
            return None;
        }
        sum += v.obj.abs() * v.hi.abs().max(v.lo.abs()).min(1e9);
    }
    Some(sum)
}

/// The model with every variable continuous: its optimum bounds the integer optimum.
/// (Solved directly by the backend: never through [`solve`], which may ask for a relaxation
/// bound itself.)
pub(crate) fn relaxation_bound(model: &Model, settings: Settings) -> Option<f64> {
    if model.vars.is_empty() {
        return Some(model.obj_constant);
    }
    relaxation(model, settings).map(|values| model.objective_of(&values))
}

/// The LP relaxation's optimal values (a vertex: the simplex's basic solution), `None` when it
/// is not solved to optimality before the time limit.
pub(crate) fn relaxation(model: &Model, settings: Settings) -> Option<Vec<f64>> {
    let mut relaxed = model.clone();
    for v in &mut relaxed.vars {
        v.integer = false;
    }
    let mut settings = settings;
    settings.time_limit = settings.limit_now().ok()?;
    settings.gap = None;
    // Only a solved relaxation bounds anything: an LP stopped early (HiGHS returns its last
    // point) proves nothing.
    solve_once(&relaxed, settings, None)
        .ok()
        .filter(|s| s.optimal)
        .map(|s| s.values)
}

struct Translated {
    problem: ProblemVariables,
    vars: Vec<Variable>,
    objective: Expression,
}

fn translate(model: &Model) -> Translated {
    let mut problem = ProblemVariables::new();
    let mut vars = Vec::with_capacity(model.vars.len());
    let mut objective = Expression::from(model.obj_constant);
    for v in &model.vars {
        let mut def = variable().min(v.lo);
        if v.hi.is_finite() {
            def = def.max(v.hi);
        }
        if v.integer {
            def = def.integer();
        }
        let var = problem.add(def);
        if v.obj != 0.0 {
            objective.add_mul(v.obj, var);
        }
        vars.push(var);
    }
    Translated {
        problem,
        vars,
        objective,
    }
}

fn constraints(model: &Model, vars: &[Variable]) -> Vec<good_lp::Constraint> {
    let mut out = Vec::with_capacity(model.rows.len());
    for row in &model.rows {
        let mut expr = Expression::with_capacity(row.terms.len());
        for (Var(i), c) in &row.terms {
            expr.add_mul(*c, vars[*i]);
        }
        if row.lo == row.hi {
            out.push(expr.eq(row.lo));
            continue;
        }
        if row.lo.is_finite() {
            out.push(expr.clone().geq(row.lo));
        }
        if row.hi.is_finite() {
            out.push(expr.leq(row.hi));
        }
    }
    out
}

fn hint_pairs(vars: &[Variable], hint: Option<&[f64]>) -> Option<Vec<(Variable, f64)>> {
    hint.map(|h| vars.iter().copied().zip(h.iter().copied()).collect())
}

fn failure(e: ResolutionError) -> Failure {
    match e {
        ResolutionError::Infeasible => Failure::Infeasible,
        other => Failure::Other(other.to_string()),
    }
}

/// Adds the constraints, time limit, gap and starting plan to a backend's problem: the part
/// every backend shares.
fn configure<P>(
    mut problem: P,
    model: &Model,
    vars: &[Variable],
    settings: Settings,
    hint: Option<&[f64]>,
) -> std::result::Result<P, Failure>
where
    P: SolverModel + WithTimeLimit + WithMipGap + WithInitialSolution,
{
    for c in constraints(model, vars) {
        problem.add_constraint(c);
    }
    if let Some(limit) = settings.time_limit {
        problem = problem.with_time_limit(limit);
    }
    if let Some(gap) = settings.gap {
        problem = problem
            .with_mip_gap(gap as f32)
            .map_err(|e| Failure::Other(e.to_string()))?;
    }
    if let Some(pairs) = hint_pairs(vars, hint) {
        problem = problem.with_initial_solution(pairs);
    }
    Ok(problem)
}

fn solve_microlp(
    model: &Model,
    settings: Settings,
    hint: Option<&[f64]>,
) -> std::result::Result<Solved, Failure> {
    let t = translate(model);
    let unsolved = match model.sense {
        Sense::Maximize => t.problem.maximise(t.objective),
        Sense::Minimize => t.problem.minimise(t.objective),
    };
    let problem = unsolved.using(good_lp::microlp);
    let solution = configure(problem, model, &t.vars, settings, hint)?
        .solve()
        .map_err(failure)?;
    let values: Vec<f64> = t.vars.iter().map(|v| solution.value(*v)).collect();
    let inner = solution.into_inner();
    let stats = inner.stats();
    let optimal = inner.gap() == Some(0.0);
    // microlp does not see the objective's constant term.
    Ok(Solved {
        values,
        optimal,
        bound: stats.best_bound.map(|b| b + model.obj_constant),
    })
}

/// Solves with HiGHS and reports what HiGHS proved: its own model status, dual bound and MIP
/// gap, read from the HiGHS model after the solve (good_lp's solution keeps only the values).
#[cfg(feature = "highs")]
fn solve_highs(
    model: &Model,
    settings: Settings,
    hint: Option<&[f64]>,
) -> std::result::Result<Solved, Failure> {
    use highs::HighsModelStatus as Status;

    let t = translate(model);
    let unsolved = match model.sense {
        Sense::Maximize => t.problem.maximise(t.objective),
        Sense::Minimize => t.problem.minimise(t.objective),
    };
    let mut problem = unsolved.using(good_lp::highs);
    for c in constraints(model, &t.vars) {
        problem.add_constraint(c);
    }
    // good_lp's problem keeps options and the starting plan to itself until its own solve:
    // set them on the HiGHS model, whose status and info stay readable after the solve.
    let mut highs = problem.try_into_inner().map_err(failure)?;
    highs.make_quiet();
    set_option(&mut highs, "threads", 1)?;
    set_option(&mut highs, "random_seed", 0)?;
    if let Some(limit) = settings.time_limit {
        set_option(&mut highs, "time_limit", limit)?;
    }
    if let Some(gap) = settings.gap {
        set_option(&mut highs, "mip_rel_gap", gap)?;
    }
    if let Some(hint) = hint {
        let mut start = vec![0.0; model.vars.len()];
        for (value, given) in start.iter_mut().zip(hint) {
            *value = *given;
        }
        // A starting plan HiGHS rejects is only a lost head start.
        let _ = highs.try_set_solution(Some(&start), None, None, None);
    }
    let solved = highs
        .try_solve()
        .map_err(|e| Failure::Other(format!("HiGHS failed: {e:?}")))?;
    let status = solved.status();
    let has_plan = solved.primal_solution_status() == highs::HighsSolutionStatus::Feasible;
    let proof = match status {
        Status::Infeasible | Status::UnboundedOrInfeasible => return Err(Failure::Infeasible),
        Status::Optimal => Proof::WithinGap,
        Status::ReachedTimeLimit
        | Status::ReachedIterationLimit
        | Status::ReachedSolutionLimit
        | Status::ReachedInterrupt
        | Status::ReachedMemoryLimit
        | Status::ObjectiveBound
        | Status::ObjectiveTarget => Proof::Stopped,
        other => return Err(Failure::Other(format!("HiGHS stopped: {other:?}"))),
    };
    if !has_plan {
        return Err(Failure::Other(format!(
            "HiGHS found no plan before it stopped ({status:?})"
        )));
    }
    let solution = solved.get_solution();
    let values: Vec<f64> = solution.columns().to_vec();
    let objective = model.objective_of(&values);
    // HiGHS does not see the objective's constant term.
    let (optimal, bound) = if model.vars.iter().any(|v| v.integer) {
        let dual_bound = solved
            .double_info_value(c"mip_dual_bound")
            .ok()
            .filter(|b| b.is_finite())
            .map(|b| b + model.obj_constant);
        let gap = solved.mip_gap();
        let optimal = proof == Proof::WithinGap && gap.is_finite() && gap <= 0.0;
        (optimal, if optimal { Some(objective) } else { dual_bound })
    } else {
        // A linear model: optimal is optimal.
        let optimal = proof == Proof::WithinGap;
        (optimal, optimal.then_some(objective))
    };
    Ok(Solved {
        values,
        optimal,
        bound,
    })
}

#[cfg(feature = "highs")]
fn set_option<V: highs::HighsOptionValue>(
    highs: &mut highs::Model,
    name: &str,
    value: V,
) -> std::result::Result<(), Failure> {
    highs
        .try_set_option(name, value)
        .map_err(|e| Failure::Other(format!("HiGHS refused option {name}: {e:?}")))
}

/// How HiGHS ended a solve that has a plan.
#[cfg(feature = "highs")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proof {
    /// Optimal within the requested MIP gap (zero gap: proven optimal).
    WithinGap,
    /// A limit stopped it: the plan is feasible, the dual bound is what it proved.
    Stopped,
}

#[cfg(not(feature = "highs"))]
fn solve_highs(
    _model: &Model,
    _settings: Settings,
    _hint: Option<&[f64]>,
) -> std::result::Result<Solved, Failure> {
    Err(Failure::Other("this build has no HiGHS backend".into()))
}

#[cfg(all(test, feature = "highs"))]
mod highs_tests {
    use super::*;

    fn settings(time_limit: Option<f64>) -> Settings {
        Settings {
            backend: Backend::Highs,
            time_limit,
            gap: None,
            deadline: None,
            quick: false,
        }
    }

    /// Knapsack worked by hand: values 10, 13, 7, 8, weights 4, 6, 3, 5, capacity 10. The
    /// best pack is the first two (weight 10, value 23; next best b+c 20, a+d 18); with the
    /// constant 5 the optimum is 28.
    #[test]
    fn highs_proves_a_hand_solved_knapsack_optimal() {
        let mut model = Model::new(Sense::Maximize);
        model.obj_constant = 5.0;
        let items = [(10.0, 4.0), (13.0, 6.0), (7.0, 3.0), (8.0, 5.0)];
        let mut weight = Vec::new();
        for (i, (value, w)) in items.iter().enumerate() {
            let v = model.binary(format!("x{i}"));
            model.add_obj(v, *value);
            weight.push((v, *w));
        }
        model.row("capacity".into(), weight, f64::NEG_INFINITY, 10.0);
        let solved = solve_highs(&model, settings(Some(60.0)), None).expect("solved");
        assert!(solved.optimal);
        assert_eq!(solved.bound, Some(28.0));
        assert_eq!(model.objective_of(&solved.values), 28.0);
        let picked: Vec<f64> = solved.values.iter().map(|v| v.round()).collect();
        assert_eq!(picked, vec![1.0, 1.0, 0.0, 0.0]);
    }

    /// A market-split instance (Cornuéjols and Dawande): 6 equality rows over 30 binaries
    /// with slack. Its LP relaxation has zero slack, and branch and bound needs millions of
    /// nodes to prove the least slack, so HiGHS stops at the time limit: the plan it reports is
    /// feasible, no worse than the start, and the bound is HiGHS's own dual bound (with the
    /// objective's constant 100 added), between the constant and the plan's value.
    #[test]
    fn highs_at_the_time_limit_reports_its_plan_and_dual_bound() {
        let (rows, cols) = (6, 30);
        let mut model = Model::new(Sense::Minimize);
        model.obj_constant = 100.0;
        let x: Vec<Var> = (0..cols).map(|j| model.binary(format!("x{j}"))).collect();
        let mut seed: u64 = 2023;
        let mut start = vec![0.0; cols];
        for i in 0..rows {
            let mut terms = Vec::new();
            let mut sum = 0.0;
            for &xj in &x {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let a = ((seed >> 33) % 100) as f64;
                sum += a;
                terms.push((xj, a));
            }
            let target = (sum / 2.0).floor();
            let over = model.var(format!("over{i}"), 0.0, f64::INFINITY, false);
            let under = model.var(format!("under{i}"), 0.0, f64::INFINITY, false);
            model.add_obj(over, 1.0);
            model.add_obj(under, 1.0);
            terms.push((over, -1.0));
            terms.push((under, 1.0));
            model.row(format!("split{i}"), terms, target, target);
            // Start: nothing chosen, every row short by its whole target.
            start.push(0.0);
            start.push(target);
        }
        let start_value = model.objective_of(&start);
        assert!(model.is_feasible(&start, 1e-9));
        let solved = solve_highs(&model, settings(Some(1.0)), Some(&start)).expect("a plan");
        let value = model.objective_of(&solved.values);
        assert!(!solved.optimal);
        assert!(model.is_feasible(&solved.values, 1e-6));
        assert!(value <= start_value + 1e-9, "{value} > {start_value}");
        let bound = solved.bound.expect("HiGHS's dual bound");
        assert!(
            (100.0 - 1e-9..=value + 1e-9).contains(&bound),
            "bound {bound}, plan {value}"
        );
        assert!(value > bound + 1e-6, "a gap remains: {bound} < {value}");
    }

    #[test]
    fn highs_reports_an_infeasible_model() {
        let mut model = Model::new(Sense::Maximize);
        let x = model.binary("x".into());
        let y = model.binary("y".into());
        model.add_obj(x, 1.0);
        model.row("both".into(), vec![(x, 1.0), (y, 1.0)], 3.0, f64::INFINITY);
        assert!(matches!(
            solve_highs(&model, settings(Some(10.0)), None),
            Err(Failure::Infeasible)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings::unlimited()
    }

    #[test]
    fn a_model_without_objective_terms_is_solved() {
        // Issue 13: solve and relaxation_bound called each other forever on this.
        let mut m = Model::new(Sense::Maximize);
        let x = m.binary("x".into());
        m.row("r".into(), vec![(x, 1.0)], 0.0, 1.0);
        m.obj_constant = 2.0;
        let solved = solve(&m, settings(), None).unwrap();
        assert_eq!(m.objective_of(&solved.values), 2.0);
        assert_eq!(relaxation_bound(&m, settings()), Some(2.0));
    }

    #[test]
    fn an_integer_objective_is_proven_with_an_integer_bound() {
        // max x + y with 2x + 2y ≤ 3, binaries: optimum 1; the relaxation gives 1.5, rounded
        // down to the proven bound 1.
        let mut m = Model::new(Sense::Maximize);
        let x = m.binary("x".into());
        let y = m.binary("y".into());
        m.add_obj(x, 1.0);
        m.add_obj(y, 1.0);
        m.row("r".into(), vec![(x, 2.0), (y, 2.0)], f64::NEG_INFINITY, 3.0);
        assert_eq!(relaxation_bound(&m, settings()), Some(1.5));
        let solved = solve(&m, settings(), None).unwrap();
        assert!(solved.optimal);
        assert_eq!(m.objective_of(&solved.values), 1.0);
        assert_eq!(solved.bound, Some(1.0));
    }

    #[test]
    fn infeasible_and_out_of_time_are_told_apart() {
        let mut m = Model::new(Sense::Minimize);
        let x = m.binary("x".into());
        m.add_obj(x, 1.0);
        m.row("r".into(), vec![(x, 1.0)], 2.0, f64::INFINITY);
        assert!(matches!(
            solve(&m, settings(), None),
            Err(Failure::Infeasible)
        ));
        let late = Settings {
            deadline: Some(Instant::now()),
            ..settings()
        };
        assert!(matches!(solve(&m, late, None), Err(Failure::Other(_))));
        assert_eq!(relaxation_bound(&m, late), None);
    }

    #[test]
    fn a_solve_out_of_time_still_gets_a_proven_bound() {
        // max 3x + 2y + 2z with 2x + 2y + 2z ≤ 3, binaries (integral objective). The deadline
        // has passed: the relaxation still runs in the time kept for it. Relaxation: x = 1
        // (3 per unit of weight 2) then half of y: 3 + 1 = 4; rounded down, 4. The variables'
        // own ranges alone give 3 + 2 + 2 = 7.
        let mut m = Model::new(Sense::Maximize);
        let x = m.binary("x".into());
        let y = m.binary("y".into());
        let z = m.binary("z".into());
        m.add_obj(x, 3.0);
        m.add_obj(y, 2.0);
        m.add_obj(z, 2.0);
        m.row(
            "r".into(),
            vec![(x, 2.0), (y, 2.0), (z, 2.0)],
            f64::NEG_INFINITY,
            3.0,
        );
        let late = Settings {
            time_limit: Some(10.0),
            deadline: Some(Instant::now()),
            ..settings()
        };
        assert_eq!(bound_when_unproven(&m, late), 4.0);
        assert_eq!(box_bound(&m), 7.0);
        // The same relaxation on its own thread; the tighter of two bounds, rounded down.
        let background = BackgroundBound::start(&m, late);
        assert_eq!(background.wait(late), Some(4.0));
        assert_eq!(tighter_bound(&m, Some(7.0), Some(4.0)), Some(4.0));
        assert_eq!(tighter_bound(&m, None, Some(4.4)), Some(4.0));
        assert_eq!(tighter_bound(&m, Some(5.9), None), Some(5.0));
        // min 5x − y + 2 with x in [1, 4], y in [0, 3]: at best 5·1 − 3 + 2 = 4.
        let mut m = Model::new(Sense::Minimize);
        let x = m.var("x".into(), 1.0, 4.0, true);
        let y = m.var("y".into(), 0.0, 3.0, false);
        m.add_obj(x, 5.0);
        m.add_obj(y, -1.0);
        m.obj_constant = 2.0;
        assert_eq!(box_bound(&m), 4.0);
    }
}
