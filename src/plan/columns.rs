//! Column generation by commune (sinh cột theo xã): the Lagrangian bound of Dantzig–Wolfe
//! decomposition, for plans the LP relaxation alone cannot prove.
//!
//! The rows of a model split in two: *local* rows, whose variables all belong to one commune
//! (gains, gates, tiers, covers), and *linking* rows (funding, budgets, counterpart shares,
//! province-wide counts), which sum over communes and hold the shared variables (funding money,
//! extra money, shortfalls). Pricing the linking rows with multipliers `π` leaves one small
//! mixed-integer model per commune; each is solved exactly (good_lp, like every solve here).
//! For any `π` (signed as the rows' sides require),
//!
//! ```text
//!   L(π) = Σ_r (hi_r β_r − lo_r α_r) + Σ_shared max_{y ∈ [lo, hi]} d_y · y
//!          + Σ_communes max_{x local-feasible, integer} (c − π A) x          (π = β − α)
//! ```
//!
//! bounds the optimum (written for maximising; minimising negates the objective). Because each
//! commune is solved as an integer model, `min_π L(π)` is at least as tight as the LP
//! relaxation, and usually much tighter: the relaxation may fund a commune's criterion at half
//! its cost, a commune's own model may not.
//!
//! The multipliers come from the restricted master's dual (Kelley's cutting planes, the dual of
//! Dantzig–Wolfe's restricted master), written as an LP of its own and solved by the backend:
//! one row per commune plan found so far, `σ_c + π·(A x_c) ≥ c·x_c`. The restricted master's
//! primal, a convex combination of commune plans, is the point the neighbourhood search
//! (`decompose`) steers the plan towards.

use std::collections::HashSet;
use std::time::Instant;

use rayon::prelude::*;

use super::model::{Blocks, Model, Row, Sense, Var};
use super::solve::{relaxation, rounded_bound, solve, solve_exact, Settings};

/// Rounds of pricing at most.
const MAX_ROUNDS: usize = 200;

/// The largest multiplier the restricted master's dual may give a linking row. Any multipliers
/// give a valid bound (`lagrangian`); the cap keeps the dual bounded while it has few columns.
const PRICE_CAP: f64 = 1e5;

/// The largest value of a commune's multiplier `σ` (split in two, `σ⁺ − σ⁻`: microlp declared the
/// dual unbounded with free variables); far above any commune's objective.
const SIGMA_CAP: f64 = 1e9;

/// Communes up to which the whole restricted master is solved as a mixed-integer model when
/// fixing the communes it takes whole finds no plan.
const WHOLE_MASTER_MAX: usize = 2_000;

/// Reduced cost (relative to the column's value, at least 1) above which a priced plan enters
/// the restricted master.
const REDUCED_TOLERANCE: f64 = 1e-7;

/// A round of pricing starts only with this many times the last round's duration left: one
/// for the round, the rest for the whole plan from the columns after it.
const ROUNDS_KEPT_FOR_PLAN: f64 = 2.0;

/// Wentges smoothing: the multipliers priced are this share of the best ones so far plus the
/// rest of the restricted master's.
const SMOOTHING: f64 = 0.5;

/// The model split into communes and linking rows.
pub(crate) struct Split {
    /// Model variables of each commune (dense commune index), ascending.
    vars: Vec<Vec<usize>>,
    /// Each commune's local model: its variables renumbered, its local rows, objective zero.
    local: Vec<Model>,
    /// Linking rows (indices into the model's rows).
    linking: Vec<usize>,
    /// For every model variable, its terms in linking rows: (linking position, coefficient).
    links: Vec<Vec<(usize, f64)>>,
    /// Variables of no commune.
    shared: Vec<usize>,
    /// +1 when maximising, −1 when minimising: everything inside is maximised.
    sign: f64,
}

/// A plan of one commune: its values and what it adds to the objective and the linking rows.
#[derive(Debug, Clone)]
struct Column {
    commune: usize,
    values: Vec<f64>,
    /// Objective (maximised sense).
    value: f64,
    /// (linking position, coefficient × value).
    terms: Vec<(usize, f64)>,
}

/// What column generation found.
#[derive(Debug, Clone)]
pub(crate) struct Priced {
    /// The best Lagrangian bound (the model's sense), `None` when none could be computed.
    pub bound: Option<f64>,
    /// The restricted master's optimum in model variables: commune plans combined, with the
    /// shared variables; `None` when it was not solved.
    pub point: Option<Vec<f64>>,
    /// The best plan of the restricted master with whole commune plans (feasible), when found.
    pub plan: Option<Vec<f64>>,
}

impl Split {
    /// Splits `model` by `blocks`.
    pub fn new(model: &Model, blocks: &Blocks) -> Split {
        let ids = blocks.ids();
        let dense = |b: usize| ids.binary_search(&b).ok();
        let block: Vec<Option<usize>> = blocks.of.iter().map(|b| b.and_then(dense)).collect();
        let mut vars = vec![Vec::new(); ids.len()];
        let mut position = vec![usize::MAX; model.vars.len()];
        let mut shared = Vec::new();
        for (i, b) in block.iter().enumerate() {
            match b {
                Some(b) => {
                    position[i] = vars[*b].len();
                    vars[*b].push(i);
                }
                None => shared.push(i),
            }
        }
        let sign = match model.sense {
            Sense::Maximize => 1.0,
            Sense::Minimize => -1.0,
        };
        let mut local: Vec<Model> = vars
            .iter()
            .map(|vs| {
                let mut m = Model::new(Sense::Maximize);
                for v in vs {
                    let mut def = model.vars[*v].clone();
                    def.obj = 0.0;
                    m.vars.push(def);
                }
                m
            })
            .collect();
        let mut linking = Vec::new();
        let mut links = vec![Vec::new(); model.vars.len()];
        for (r, row) in model.rows.iter().enumerate() {
            let first = row.terms.first().and_then(|(v, _)| block[v.0]);
            let one = first.filter(|b| row.terms.iter().all(|(v, _)| block[v.0] == Some(*b)));
            match one {
                Some(b) => local[b].rows.push(Row {
                    name: row.name.clone(),
                    terms: row
                        .terms
                        .iter()
                        .map(|(v, c)| (Var(position[v.0]), *c))
                        .collect(),
                    lo: row.lo,
                    hi: row.hi,
                }),
                None => {
                    let at = linking.len();
                    linking.push(r);
                    for (v, c) in &row.terms {
                        links[v.0].push((at, *c));
                    }
                }
            }
        }
        Split {
            vars,
            local,
            linking,
            links,
            shared,
            sign,
        }
    }

    /// Number of communes.
    pub fn communes(&self) -> usize {
        self.vars.len()
    }

    /// The column of commune `b` for the model values `values`.
    fn column(&self, model: &Model, b: usize, values: Vec<f64>) -> Column {
        let mut value = 0.0;
        let mut terms: Vec<(usize, f64)> = Vec::new();
        for (i, x) in self.vars[b].iter().zip(&values) {
            if *x == 0.0 {
                continue;
            }
            value += self.sign * model.vars[*i].obj * x;
            for (r, c) in &self.links[*i] {
                terms.push((*r, c * x));
            }
        }
        terms.sort_by_key(|t| t.0);
        terms.dedup_by(|a, b| {
            if a.0 == b.0 {
                b.1 += a.1;
                true
            } else {
                false
            }
        });
        Column {
            commune: b,
            values,
            value,
            terms,
        }
    }

    /// Commune `b`'s part of model values.
    fn part(&self, b: usize, values: &[f64]) -> Vec<f64> {
        self.vars[b].iter().map(|i| values[*i].round()).collect()
    }
}

/// Multipliers of the linking rows: `β` (upper side) and `α` (lower side), `π = β − α`.
#[derive(Debug, Clone)]
struct Prices {
    beta: Vec<f64>,
    alpha: Vec<f64>,
}

impl Prices {
    fn pi(&self, r: usize) -> f64 {
        self.beta[r] - self.alpha[r]
    }

    /// A column's reduced cost against the restricted master: its value less what its linking
    /// terms and its commune's `σ` are priced at (positive: the master would take it).
    fn reduced(&self, col: &Column, sigma: f64) -> f64 {
        col.value - col.terms.iter().map(|(r, c)| self.pi(*r) * c).sum::<f64>() - sigma
    }

    fn mix(&self, other: &Prices, share: f64) -> Prices {
        let m = |a: &[f64], b: &[f64]| -> Vec<f64> {
            a.iter()
                .zip(b)
                .map(|(x, y)| share * x + (1.0 - share) * y)
                .collect()
        };
        Prices {
            beta: m(&self.beta, &other.beta),
            alpha: m(&self.alpha, &other.alpha),
        }
    }
}

/// Column generation from the plan `start` (feasible): prices the communes until the restricted
/// master reaches the Lagrangian bound, a whole plan is within `gap` of it, or time runs out.
/// A whole plan is sought (`whole_plan`) whenever the restricted master comes within `gap`
/// of the bound, and once at the end.
pub(crate) fn price(
    model: &Model,
    split: &Split,
    settings: Settings,
    start: &[f64],
    gap: f64,
) -> Priced {
    let mut pool = Pool::default();
    for b in 0..split.communes() {
        pool.add(split.column(model, b, split.part(b, start)));
    }
    let log = std::env::var_os("NTM_PLAN_LOG").is_some();
    let started = Instant::now();
    let mut best: Option<(f64, Prices)> = None;
    let mut incumbent = Incumbent {
        value: split.sign * model.objective_of(start),
        plan: None,
    };
    let mut dual = DualMaster::new(model, split);
    let mut point = None;
    let mut tried = 0;
    let mut rounds = 0;
    let mut bound = f64::INFINITY;
    // A round starts only with time left for it and for a whole plan from the columns after
    // it (each taken as long as the last round), so a deadline falling in the rounds still
    // ends with a plan from them, not the start.
    let mut last_round = 0.0;
    while rounds < MAX_ROUNDS
        && settings
            .time_left()
            .is_none_or(|left| left > ROUNDS_KEPT_FOR_PLAN * last_round)
    {
        rounds += 1;
        let round_started = Instant::now();
        let Some((master, prices, sigma)) = dual.solve(&pool.columns, settings) else {
            break;
        };
        let dual_done = started.elapsed();
        let added = pricing_round(model, split, settings, &mut pool, &mut best, prices, &sigma);
        last_round = round_started.elapsed().as_secs_f64();
        // Rounded to the objective's steps, in the maximised sense.
        bound = best.as_ref().map_or(f64::INFINITY, |b| {
            split.sign * rounded_bound(model, split.sign * b.0)
        });
        if log {
            eprintln!(
                "columns: round {rounds} master {master:.4} bound {bound:.4} added {added} columns {} dual done at {dual_done:?}, priced at {:?}",
                pool.columns.len(),
                started.elapsed()
            );
        }
        let settled = added == 0 || bound - master <= 1e-6 * bound.abs().max(1.0);
        if (settled || Sense::Maximize.within(master, bound, gap)) && pool.columns.len() != tried {
            tried = pool.columns.len();
            let best = incumbent.plan.as_deref().unwrap_or(start);
            let (found, at) = whole_plan(model, split, &pool.columns, settings, None, best);
            point = at.or(point);
            incumbent.offer(model, split, found);
        }
        if settled || Sense::Maximize.within(incumbent.value, bound, gap) {
            break;
        }
    }
    if !Sense::Maximize.within(incumbent.value, bound, gap) && !settings.past_deadline() {
        // The last columns were not tried, or fixing found nothing: the whole restricted
        // master, from the start, on models small enough.
        let hint = (split.communes() <= WHOLE_MASTER_MAX).then_some(start);
        if pool.columns.len() != tried || hint.is_some() {
            let best = incumbent.plan.as_deref().unwrap_or(start);
            let (found, at) = whole_plan(model, split, &pool.columns, settings, hint, best);
            point = at.or(point);
            incumbent.offer(model, split, found);
        }
    }
    if log {
        eprintln!(
            "columns: plan {:?} at {:?}",
            incumbent.plan.as_ref().map(|p| model.objective_of(p)),
            started.elapsed()
        );
    }
    Priced {
        bound: best.map(|(b, _)| split.sign * b),
        point,
        plan: incumbent.plan,
    }
}

/// The best whole plan found by column generation, better than the start.
struct Incumbent {
    /// Its objective, maximised sense (the start's until a plan is found).
    value: f64,
    plan: Option<Vec<f64>>,
}

impl Incumbent {
    /// Keeps `found` when it is better by more than rounding.
    fn offer(&mut self, model: &Model, split: &Split, found: Option<Vec<f64>>) {
        if let Some(plan) = found {
            let value = split.sign * model.objective_of(&plan);
            if Sense::Maximize.is_better(value, self.value) {
                *self = Incumbent {
                    value,
                    plan: Some(plan),
                };
            }
        }
    }
}

/// The commune plans found so far, each once.
#[derive(Default)]
struct Pool {
    columns: Vec<Column>,
    seen: HashSet<(usize, Vec<i64>)>,
}

impl Pool {
    /// Adds a column unless its commune already has that plan; whether it was new.
    fn add(&mut self, column: Column) -> bool {
        let key = (
            column.commune,
            column.values.iter().map(|x| x.round() as i64).collect(),
        );
        let new = self.seen.insert(key);
        if new {
            self.columns.push(column);
        }
        new
    }
}

/// One round of pricing: at the smoothed multipliers (Wentges) and at the restricted master's
/// own. Plans priced at the smoothed ones enter first; the master's enter only when those find
/// none that the restricted master would take (a mispricing), and none at all means the bound
/// is reached. Both bound the optimum: the master's are priced every round (a round's pricing
/// costs little beside its LP), so the bound does not creep towards the master's value by
/// halves, as it does from the smoothed multipliers alone. A plan enters the pool only when its
/// reduced cost at the restricted master's multipliers (`prices`, and each commune's `sigma`)
/// is positive: a plan the master would not use only makes its next LP larger (at national size
/// the LP is the whole cost of a round). Keeps the best bound in `best`; the number of plans
/// added.
fn pricing_round(
    model: &Model,
    split: &Split,
    settings: Settings,
    pool: &mut Pool,
    best: &mut Option<(f64, Prices)>,
    prices: Prices,
    sigma: &[f64],
) -> usize {
    let smoothed = best.as_ref().map(|(_, b)| b.mix(&prices, SMOOTHING));
    let master = prices.clone();
    let mut added = 0;
    for at in smoothed.into_iter().chain(std::iter::once(prices)) {
        let Some((bound, found)) = lagrangian(model, split, &at, settings) else {
            break;
        };
        if best.as_ref().is_none_or(|(b, _)| bound < *b) {
            *best = Some((bound, at));
        }
        if added > 0 {
            continue;
        }
        for col in found {
            if master.reduced(&col, sigma[col.commune])
                > REDUCED_TOLERANCE * col.value.abs().max(1.0)
                && pool.add(col)
            {
                added += 1;
            }
        }
    }
    added
}

/// A whole plan from the columns: the restricted master's LP, then [`fix_and_choose`]; with a
/// `hint` (a plan among the columns), the whole restricted master as a mixed-integer model
/// when fixing finds nothing; and when neither finds a plan in time, the master
/// [`choose_around`] `current` (the best plan so far). Also the restricted master's point.
fn whole_plan(
    model: &Model,
    split: &Split,
    columns: &[Column],
    settings: Settings,
    hint: Option<&[f64]>,
    current: &[f64],
) -> (Option<Vec<f64>>, Option<Vec<f64>>) {
    let log = std::env::var_os("NTM_PLAN_LOG").is_some();
    let relaxed = primal_master(model, split, columns, settings, Master::Relaxed);
    let mut plan = relaxed
        .as_ref()
        .and_then(|(_, weights)| fix_and_choose(model, split, columns, weights, settings));
    if plan.is_none() {
        if let Some(hint) = hint {
            plan = primal_master(model, split, columns, settings, Master::Whole(Some(hint)))
                .map(|(plan, _)| plan)
                .filter(|p| model.is_feasible(p, 1e-6));
        }
    }
    if plan.is_none() {
        if let Some((_, weights)) = &relaxed {
            plan = choose_around(model, split, columns, weights, current, settings);
            if log {
                eprintln!(
                    "columns: fixing found no plan; the master around the best plan gives {:?}",
                    plan.as_ref().map(|p| model.objective_of(p))
                );
            }
        } else if log {
            eprintln!("columns: the restricted master's LP was not solved in time");
        }
    }
    (plan, relaxed.map(|(point, _)| point))
}

/// The restricted master around the best plan so far (a neighbourhood search on the master,
/// for when choosing among the fractional communes' plans finds nothing in time): the
/// communes the master takes whole with the plan they have in `current` keep it; every other
/// commune chooses among its plan in `current` and the plans the master gives weight, in one
/// mixed-integer model started from `current` (a feasible plan), so it can only improve it.
/// `None` when that model is not solved in time.
fn choose_around(
    model: &Model,
    split: &Split,
    columns: &[Column],
    weights: &[f64],
    current: &[f64],
    settings: Settings,
) -> Option<Vec<f64>> {
    let mine: Vec<Column> = (0..split.communes())
        .map(|b| split.column(model, b, split.part(b, current)))
        .collect();
    let mut settled = vec![false; split.communes()];
    for (col, w) in columns.iter().zip(weights) {
        if *w >= 1.0 - 1e-6 && col.values == mine[col.commune].values {
            settled[col.commune] = true;
        }
    }
    let mut kept = mine.clone();
    kept.extend(
        columns
            .iter()
            .zip(weights)
            .filter(|(col, w)| {
                !settled[col.commune] && **w > 1e-6 && col.values != mine[col.commune].values
            })
            .map(|(col, _)| col.clone()),
    );
    primal_master(model, split, &kept, settings, Master::Whole(Some(current)))
        .map(|(plan, _)| plan)
        .filter(|plan| model.is_feasible(plan, 1e-6))
}

/// The restricted master's dual: `min Σ (hi β − lo α) + Σ_shared h + Σ σ` over the columns so
/// far, one row per column (`σ_c + π·(A x_c) ≥ c·x_c`). It only gains rows from round to
/// round: each round adds the new columns' rows and solves it again. (Kept warm through
/// microlp's `Solution::add_constraint`, one row at a time, a round of 5.000 new rows took
/// three times as long as solving afresh, on 10.000 communes; so it is solved afresh.)
struct DualMaster {
    dual: Model,
    beta: Vec<Option<Var>>,
    alpha: Vec<Option<Var>>,
    /// Each commune's `σ = σ⁺ − σ⁻` (microlp mishandles free variables).
    sigma: Vec<(Var, Var)>,
    /// Columns with a row so far.
    columns: usize,
}

impl DualMaster {
    /// The dual without column rows.
    fn new(model: &Model, split: &Split) -> DualMaster {
        let mut dual = Model::new(Sense::Minimize);
        dual.obj_constant = split.sign * model.obj_constant;
        let n = split.linking.len();
        let mut beta = vec![None; n];
        let mut alpha = vec![None; n];
        for (at, r) in split.linking.iter().enumerate() {
            let row = &model.rows[*r];
            if row.hi.is_finite() {
                let v = dual.var(format!("b{at}"), 0.0, PRICE_CAP, false);
                dual.add_obj(v, row.hi);
                beta[at] = Some(v);
            }
            if row.lo.is_finite() {
                let v = dual.var(format!("a{at}"), 0.0, PRICE_CAP, false);
                dual.add_obj(v, -row.lo);
                alpha[at] = Some(v);
            }
        }
        let mut master = DualMaster {
            dual,
            beta,
            alpha,
            sigma: Vec::new(),
            columns: 0,
        };
        // Shared variables: h(d) = lo·d + (hi − lo)·max(d, 0), d = c − π·A.
        for j in &split.shared {
            let v = &model.vars[*j];
            let c = split.sign * v.obj;
            let mut terms = master.pi_terms(&split.links[*j]);
            let dual = &mut master.dual;
            if v.lo.is_finite() && v.lo != 0.0 {
                dual.obj_constant += v.lo * c;
                for (var, coef) in &terms {
                    dual.add_obj(*var, -v.lo * coef);
                }
            }
            match (v.lo.is_finite(), v.hi.is_finite()) {
                (true, true) => {
                    let t = dual.var(format!("t{j}"), 0.0, SIGMA_CAP, false);
                    dual.add_obj(t, v.hi - v.lo);
                    terms.push((t, 1.0));
                    dual.row(format!("s{j}"), terms, c, f64::INFINITY);
                }
                (true, false) => dual.row(format!("s{j}"), terms, c, f64::INFINITY),
                (false, true) => {
                    dual.obj_constant += v.hi * c;
                    for (var, coef) in &terms {
                        dual.add_obj(*var, -v.hi * coef);
                    }
                    dual.row(format!("s{j}"), terms, f64::NEG_INFINITY, c);
                }
                (false, false) => dual.row(format!("s{j}"), terms, c, c),
            }
        }
        master.sigma = (0..split.communes())
            .map(|b| {
                let p = master.dual.var(format!("g{b}"), 0.0, SIGMA_CAP, false);
                let n = master.dual.var(format!("h{b}"), 0.0, SIGMA_CAP, false);
                master.dual.add_obj(p, 1.0);
                master.dual.add_obj(n, -1.0);
                (p, n)
            })
            .collect();
        master
    }

    /// π·(terms) as dual terms.
    fn pi_terms(&self, terms: &[(usize, f64)]) -> Vec<(Var, f64)> {
        let mut out = Vec::new();
        for (r, c) in terms {
            if let Some(b) = self.beta[*r] {
                out.push((b, *c));
            }
            if let Some(a) = self.alpha[*r] {
                out.push((a, -*c));
            }
        }
        out
    }

    /// The rows of the columns not in the dual yet.
    fn extend(&mut self, columns: &[Column]) {
        for (k, col) in columns.iter().enumerate().skip(self.columns) {
            let mut terms = self.pi_terms(&col.terms);
            let (p, n) = self.sigma[col.commune];
            terms.push((p, 1.0));
            terms.push((n, -1.0));
            self.dual
                .row(format!("k{k}"), terms, col.value, f64::INFINITY);
        }
        self.columns = columns.len();
    }

    /// Its value (the restricted master's optimum), the multipliers and each commune's `σ`
    /// over `columns` (the columns so far: the ones before stay as they were); `None` when not
    /// solved in time.
    fn solve(&mut self, columns: &[Column], settings: Settings) -> Option<(f64, Prices, Vec<f64>)> {
        self.extend(columns);
        let values = relaxation(&self.dual, settings)?;
        let value = self.dual.objective_of(&values);
        let read = |vs: &[Option<Var>]| -> Vec<f64> {
            vs.iter()
                .map(|v| v.map_or(0.0, |v| values[v.0].max(0.0)))
                .collect()
        };
        let sigma = self
            .sigma
            .iter()
            .map(|(p, n)| values[p.0] - values[n.0])
            .collect();
        Some((
            value,
            Prices {
                beta: read(&self.beta),
                alpha: read(&self.alpha),
            },
            sigma,
        ))
    }
}

/// `L(π)` (maximised sense) and each commune's best plan at `π`; `None` when a commune's model
/// was not solved (time ran out) or a shared variable's price leaves `L` unbounded.
fn lagrangian(
    model: &Model,
    split: &Split,
    prices: &Prices,
    settings: Settings,
) -> Option<(f64, Vec<Column>)> {
    let mut value = split.sign * model.obj_constant;
    for (at, r) in split.linking.iter().enumerate() {
        let row = &model.rows[*r];
        if prices.beta[at] > 0.0 {
            value += row.hi * prices.beta[at];
        }
        if prices.alpha[at] > 0.0 {
            value -= row.lo * prices.alpha[at];
        }
    }
    let reduced = |i: usize| -> f64 {
        split.sign * model.vars[i].obj
            - split.links[i]
                .iter()
                .map(|(r, c)| prices.pi(*r) * c)
                .sum::<f64>()
    };
    for j in &split.shared {
        let v = &model.vars[*j];
        let d = reduced(*j);
        let at = |y: f64| if d == 0.0 { 0.0 } else { d * y };
        let best = at(v.lo).max(at(v.hi));
        if !best.is_finite() {
            return None;
        }
        value += best;
    }
    let solved: Vec<Option<(f64, Vec<f64>)>> = (0..split.communes())
        .into_par_iter()
        .map(|b| {
            if settings.past_deadline() {
                return None;
            }
            let mut local = split.local[b].clone();
            for (k, i) in split.vars[b].iter().enumerate() {
                local.vars[k].obj = reduced(*i);
            }
            let solved = solve_exact(&local).ok()?;
            let bound = solved
                .bound
                .unwrap_or_else(|| local.objective_of(&solved.values));
            let bound = if solved.optimal {
                local.objective_of(&solved.values).max(bound)
            } else {
                bound
            };
            Some((bound, solved.values))
        })
        .collect();
    let mut found = Vec::with_capacity(solved.len());
    for (b, s) in solved.into_iter().enumerate() {
        let (bound, values) = s?;
        value += bound;
        let values: Vec<f64> = values.iter().map(|x| x.round()).collect();
        found.push(split.column(model, b, values));
    }
    Some((value, found))
}

/// How the restricted master is solved.
#[derive(Clone, Copy)]
enum Master<'a> {
    /// Its LP: commune plans may mix.
    Relaxed,
    /// One plan per commune, from the plan given as a hint (when it is among the columns).
    Whole(Option<&'a [f64]>),
}

/// The restricted master's optimum in model variables, and the weight of every column; `None`
/// when it is not solved.
fn primal_master(
    model: &Model,
    split: &Split,
    columns: &[Column],
    settings: Settings,
    how: Master,
) -> Option<(Vec<f64>, Vec<f64>)> {
    let mut master = Model::new(Sense::Maximize);
    master.obj_constant = split.sign * model.obj_constant;
    let mut shared_at = vec![None; model.vars.len()];
    let mut rows: Vec<Vec<(Var, f64)>> = vec![Vec::new(); split.linking.len()];
    for j in &split.shared {
        let v = &model.vars[*j];
        let var = master.var(v.name.clone(), v.lo, v.hi, false);
        master.add_obj(var, split.sign * v.obj);
        shared_at[*j] = Some(var);
        for (r, c) in &split.links[*j] {
            rows[*r].push((var, *c));
        }
    }
    let mut convexity: Vec<Vec<(Var, f64)>> = vec![Vec::new(); split.communes()];
    let mut lambda = Vec::with_capacity(columns.len());
    for (k, col) in columns.iter().enumerate() {
        let var = master.var(format!("l{k}"), 0.0, 1.0, matches!(how, Master::Whole(_)));
        master.add_obj(var, col.value);
        for (r, c) in &col.terms {
            rows[*r].push((var, *c));
        }
        convexity[col.commune].push((var, 1.0));
        lambda.push(var);
    }
    for (at, terms) in rows.into_iter().enumerate() {
        let row = &model.rows[split.linking[at]];
        master.row(row.name.clone(), terms, row.lo, row.hi);
    }
    for (b, terms) in convexity.into_iter().enumerate() {
        master.row(format!("one{b}"), terms, 1.0, 1.0);
    }
    let values = match how {
        Master::Relaxed => relaxation(&master, settings)?,
        Master::Whole(start) => {
            // The plan `start` is a solution of the master: its own columns at 1.
            let hint: Option<Vec<f64>> = start.map(|start| {
                master_values_of(
                    split,
                    columns,
                    &shared_at,
                    &lambda,
                    start,
                    master.vars.len(),
                )
            });
            solve(&master, settings, hint.as_deref()).ok()?.values
        }
    };
    let mut point = vec![0.0; model.vars.len()];
    for j in &split.shared {
        if let Some(var) = shared_at[*j] {
            point[*j] = values[var.0];
        }
    }
    for (col, var) in columns.iter().zip(&lambda) {
        let l = values[var.0];
        if l == 0.0 {
            continue;
        }
        for (i, x) in split.vars[col.commune].iter().zip(&col.values) {
            point[*i] += l * x;
        }
    }
    let weights = lambda.iter().map(|v| values[v.0]).collect();
    Some((point, weights))
}

/// A whole plan near the restricted master's optimum: every commune the master takes whole
/// keeps that plan, and the others choose one of their plans in a small mixed-integer master.
/// `None` when that master has no solution in time.
fn fix_and_choose(
    model: &Model,
    split: &Split,
    columns: &[Column],
    weights: &[f64],
    settings: Settings,
) -> Option<Vec<f64>> {
    let mut whole = vec![false; split.communes()];
    for (col, w) in columns.iter().zip(weights) {
        if *w >= 1.0 - 1e-6 {
            whole[col.commune] = true;
        }
    }
    let kept: Vec<Column> = columns
        .iter()
        .zip(weights)
        .filter(|(col, w)| !whole[col.commune] || **w >= 1.0 - 1e-6)
        .map(|(col, _)| col.clone())
        .collect();
    primal_master(model, split, &kept, settings, Master::Whole(None))
        .map(|(plan, _)| plan)
        .filter(|plan| model.is_feasible(plan, 1e-6))
}

/// The restricted master's values for a plan whose commune parts are among the columns: each
/// commune's column at 1, the shared variables as the plan has them.
fn master_values_of(
    split: &Split,
    columns: &[Column],
    shared_at: &[Option<Var>],
    lambda: &[Var],
    plan: &[f64],
    n: usize,
) -> Vec<f64> {
    let mut out = vec![0.0; n];
    for j in &split.shared {
        if let Some(var) = shared_at[*j] {
            out[var.0] = plan[*j];
        }
    }
    for (col, var) in columns.iter().zip(lambda) {
        if split.part(col.commune, plan) == col.values {
            out[var.0] = 1.0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three communes share a budget of 5. A commune reaches its goal (worth 1) only with both
    /// of its projects (each closes 0.6 of the gap and costs 1). Worked by hand:
    /// - the LP relaxation pays 5/6 of each project (0.6 · 5/6 · 2 = 1), 5/3 a goal: 3 goals;
    /// - a commune's own model must pay 2 a goal, so the Lagrangian (Dantzig–Wolfe) bound is
    ///   the fractional knapsack 5 / 2 = 2.5;
    /// - the integer optimum is 2 (two communes, 4 ≤ 5), which the bound, rounded down,
    ///   proves.
    fn three_communes() -> (Model, Blocks) {
        let mut m = Model::new(Sense::Maximize);
        let mut of = Vec::new();
        let mut budget = Vec::new();
        for i in 0..3 {
            let a = m.binary(format!("x{i}a"));
            let b = m.binary(format!("x{i}b"));
            let z = m.binary(format!("z{i}"));
            m.add_obj(z, 1.0);
            m.row(
                format!("gain{i}"),
                vec![(z, 1.0), (a, -0.6), (b, -0.6)],
                f64::NEG_INFINITY,
                0.0,
            );
            budget.extend([(a, 1.0), (b, 1.0)]);
            of.extend([Some(i), Some(i), Some(i)]);
        }
        m.row("budget".into(), budget, f64::NEG_INFINITY, 5.0);
        (m, Blocks { of })
    }

    #[test]
    fn split_finds_the_linking_rows() {
        let (m, blocks) = three_communes();
        let split = Split::new(&m, &blocks);
        assert_eq!(split.communes(), 3);
        assert_eq!(split.linking, vec![3]);
        assert!(split.shared.is_empty());
        assert!(split
            .local
            .iter()
            .all(|l| l.rows.len() == 1 && l.vars.len() == 3));
    }

    #[test]
    fn the_bound_is_the_hand_worked_one_and_tighter_than_the_relaxation() {
        let (m, blocks) = three_communes();
        let split = Split::new(&m, &blocks);
        let relaxed = relaxation(&m, Settings::unlimited()).unwrap();
        assert!((m.objective_of(&relaxed) - 3.0).abs() < 1e-6);
        let start = vec![0.0; 9];
        let priced = price(&m, &split, Settings::unlimited(), &start, 0.0);
        let bound = priced.bound.unwrap();
        assert!((bound - 2.5).abs() < 1e-6, "bound {bound}");
        let plan = priced.plan.expect("a whole plan");
        assert!(m.is_feasible(&plan, 1e-9));
        assert_eq!(m.objective_of(&plan), 2.0);
    }

    /// Least cost with shared money: at least one of two communes must reach its goal; the
    /// money `f` (shared, at most 10) pays the projects. Commune 0 needs two projects of gain
    /// 0.6 and cost 1 each; commune 1 one project of gain 1 and cost 1.8. Worked by hand: the
    /// relaxation pays 5/3 for commune 0's goal (the bound 1.667); whole, commune 0 costs 2,
    /// so the least is commune 1 at 1.8, and the Lagrangian bound is 1.8 too.
    #[test]
    fn least_cost_with_shared_money_is_proven() {
        let mut m = Model::new(Sense::Minimize);
        let a = m.binary("a".into());
        let b = m.binary("b".into());
        let z0 = m.binary("z0".into());
        let c = m.binary("c".into());
        let z1 = m.binary("z1".into());
        let f = m.var("f".into(), 0.0, 10.0, false);
        m.add_obj(f, 1.0);
        m.row(
            "gain0".into(),
            vec![(z0, 1.0), (a, -0.6), (b, -0.6)],
            f64::NEG_INFINITY,
            0.0,
        );
        m.row(
            "gain1".into(),
            vec![(z1, 1.0), (c, -1.0)],
            f64::NEG_INFINITY,
            0.0,
        );
        m.row(
            "money".into(),
            vec![(a, 1.0), (b, 1.0), (c, 1.8), (f, -1.0)],
            0.0,
            0.0,
        );
        m.row(
            "target".into(),
            vec![(z0, 1.0), (z1, 1.0)],
            1.0,
            f64::INFINITY,
        );
        let blocks = Blocks {
            of: vec![Some(0), Some(0), Some(0), Some(1), Some(1), None],
        };
        let split = Split::new(&m, &blocks);
        assert_eq!(split.linking.len(), 2);
        assert_eq!(split.shared, vec![5]);
        let relaxed = relaxation(&m, Settings::unlimited()).unwrap();
        assert!((m.objective_of(&relaxed) - 5.0 / 3.0).abs() < 1e-6);
        // Start: commune 0's goal, cost 2.
        let start = [1.0, 1.0, 1.0, 0.0, 0.0, 2.0];
        assert!(m.is_feasible(&start, 1e-9));
        let priced = price(&m, &split, Settings::unlimited(), &start, 0.0);
        let bound = priced.bound.unwrap();
        assert!((bound - 1.8).abs() < 1e-6, "bound {bound}");
        let plan = priced.plan.expect("a better whole plan");
        assert!(m.is_feasible(&plan, 1e-9));
        assert!((m.objective_of(&plan) - 1.8).abs() < 1e-9);
    }
}
