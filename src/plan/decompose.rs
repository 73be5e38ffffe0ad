//! Decomposition by commune (phân rã theo xã). The communes of a model are coupled only by
//! sums: budgets per source and year, counterpart rows and province-wide counts. So:
//!
//! 1. column generation (`columns`) prices those sums and solves each commune exactly: the
//!    Lagrangian bound, and a whole plan from its restricted master; a small model's LP
//!    relaxation may prove the start before it;
//! 2. when that plan is not within the wanted gap, the communes where it and a steering point
//!    (the LP relaxation, else the restricted master's) disagree are taken a few at a time;
//!    every other commune keeps the plan's decisions, and the small mixed-integer model over
//!    the freed communes (with the funding, which every commune shares) is solved from the
//!    plan, so it can only improve it;
//! 3. passes repeat until the plan is within the wanted gap of the bound, time runs out, or a
//!    pass improves nothing.
//!
//! Step 2 is the relaxation-induced neighbourhood search (RINS, Danna, Rothberg & Le Pape 2005)
//! on the model's own block structure: each variable belongs to one commune, or to none
//! (funding, extra money, shortfalls). It is not a solver: every solve is the backend's (good_lp
//! → microlp or HiGHS). The result always states its bound and gap.

use std::collections::{BTreeMap, BTreeSet};

use super::columns::{price, Split};
use super::model::{Blocks, Model, Row, Var};
use super::solve::{rounded_bound, solve, tighter_bound, Settings, Solved};

/// A relaxation value this close to the plan's counts as agreeing with it.
const AGREE: f64 = 1e-6;

/// Communes freed together in one small model.
const CHUNK: usize = 40;

/// The largest neighbourhood tried when smaller ones improve nothing.
const MAX_CHUNK: usize = 160;

/// Seconds one small model may take at most.
const SMALL_LIMIT: f64 = 2.0;

/// A model with some variables fixed: the remaining (free) variables renumbered.
struct Reduced {
    model: Model,
    /// Full-model index of each reduced variable.
    free: Vec<usize>,
}

/// Improves the feasible `start` of `model` by neighbourhoods of `blocks` until it is within
/// `gap` (relative) of the proven `bound`, the time is up, or a pass improves nothing. The
/// neighbourhoods are the communes where the plan and `relaxed` (the LP relaxation, or the
/// restricted master's point of `columns`) disagree. Models of at most [`CHUNK`] communes
/// are freed whole in one pass, so their own search may tighten the bound.
pub(crate) fn improve(
    model: &Model,
    blocks: &Blocks,
    settings: Settings,
    (relaxed, bound): (&[f64], f64),
    start: &[f64],
    gap: f64,
) -> Solved {
    let mut bound = bound;
    let mut plan = start.to_vec();
    let mut value = model.objective_of(&plan);
    let all = blocks.count();
    let mut chunk = CHUNK;
    'passes: loop {
        let mut differ = disagreeing_blocks(model, blocks, &plan, relaxed);
        if differ.is_empty() {
            break;
        }
        if all <= chunk {
            // Few communes: free them all, so the small model is the whole model and its
            // bound proves what the relaxation cannot.
            differ = blocks.ids();
        }
        let every_one = differ.len() <= chunk;
        let mut improved = false;
        for free in neighbourhoods(differ, chunk) {
            if model.sense.within(value, bound, gap) || settings.past_deadline() {
                break 'passes;
            }
            let reduced = reduce_around(model, blocks, &plan, &free);
            let mut small = settings;
            small.time_limit = Some(
                settings
                    .time_limit
                    .map_or(SMALL_LIMIT, |t| t.min(SMALL_LIMIT)),
            );
            let hint: Vec<f64> = reduced.free.iter().map(|i| plan[*i]).collect();
            let Ok(found) = solve(&reduced.model, small, Some(&hint)) else {
                continue;
            };
            // Every commune freed: the small model is the whole model, its bound the whole's.
            if free.len() == all {
                if let Some(b) = found.bound {
                    bound = model.sense.tighter(bound, b);
                }
            }
            let mut candidate = plan.clone();
            for (i, x) in reduced.free.iter().zip(&found.values) {
                candidate[*i] = *x;
            }
            let better = model.objective_of(&candidate);
            if model.sense.is_better(better, value) && model.is_feasible(&candidate, 1e-6) {
                plan = candidate;
                value = better;
                improved = true;
            }
        }
        // A pass that freed every commune was the whole model's own search: a second one
        // would repeat it.
        if all <= chunk {
            break;
        }
        if !improved {
            // Nothing better in neighbourhoods of this size: try larger ones, up to the limit
            // (none larger when this one held every commune the plan and relaxation disagree on).
            if chunk >= MAX_CHUNK || every_one {
                break;
            }
            chunk *= 2;
        }
    }
    let optimal = model.sense.within(value, bound, 0.0);
    Solved {
        values: plan,
        optimal,
        bound: Some(bound),
    }
}

/// The plan from `start`: when it is not within `gap` of the LP relaxation `relaxed`'s bound,
/// column generation ([`by_columns`]) tightens the bound and may find a better plan; when that
/// is still short of `gap`, neighbourhoods steered by the relaxation (else the restricted
/// master's point) improve it.
pub(crate) fn improve_with_columns(
    model: &Model,
    blocks: &Blocks,
    settings: Settings,
    relaxed: Option<&[f64]>,
    start: &[f64],
    gap: f64,
) -> Solved {
    let lp_bound = relaxed.map(|r| bound_of(model, r));
    let (found, point) = by_columns(model, blocks, settings, start, lp_bound, gap);
    if at_bound(model, &found.values, found.bound, gap).is_some() || settings.past_deadline() {
        return found;
    }
    // The relaxation steers better where there is one (the least-extra re-solves of the
    // marginal costs reach their optimum that way); the master's point where there is none.
    let (Some(steer), Some(bound)) = (relaxed.or(point.as_deref()), found.bound) else {
        return found;
    };
    improve(model, blocks, settings, (steer, bound), &found.values, gap)
}

/// Column generation (`columns`) from the feasible plan `start`: the better of `start` and the
/// restricted master's best whole plan, with the tighter of `lp_bound` and the Lagrangian
/// bound (`optimal` when the plan reaches it); and the restricted master's point. A start
/// already within `gap` of `lp_bound` is returned as it is, proven, with no point.
pub(crate) fn by_columns(
    model: &Model,
    blocks: &Blocks,
    settings: Settings,
    start: &[f64],
    lp_bound: Option<f64>,
    gap: f64,
) -> (Solved, Option<Vec<f64>>) {
    if let Some(proven) = at_bound(model, start, lp_bound, gap) {
        return (proven, None);
    }
    let split = Split::new(model, blocks);
    let priced = price(model, &split, settings, start, gap);
    let bound = tighter_bound(model, lp_bound, priced.bound);
    let values = match priced.plan {
        Some(plan)
            if model
                .sense
                .is_better(model.objective_of(&plan), model.objective_of(start)) =>
        {
            plan
        }
        _ => start.to_vec(),
    };
    let optimal = bound.is_some_and(|b| model.sense.within(model.objective_of(&values), b, 0.0));
    (
        Solved {
            values,
            optimal,
            bound,
        },
        priced.point,
    )
}

/// The plan `values` as a solve with `bound`, when it is within `gap` of that bound (optimal
/// when it reaches it); `None` otherwise or without a bound.
pub(crate) fn at_bound(
    model: &Model,
    values: &[f64],
    bound: Option<f64>,
    gap: f64,
) -> Option<Solved> {
    let bound = bound?;
    let value = model.objective_of(values);
    model.sense.within(value, bound, gap).then(|| Solved {
        values: values.to_vec(),
        optimal: model.sense.within(value, bound, 0.0),
        bound: Some(bound),
    })
}

/// The relaxation's value as a bound, rounded to the objective's steps when they are integral.
pub(crate) fn bound_of(model: &Model, relaxed: &[f64]) -> f64 {
    rounded_bound(model, model.objective_of(relaxed))
}

/// Blocks where the plan's integer variables differ from the relaxation's, each with how much
/// more money the plan gives it than the relaxation does (its terms in rows that hold a shared
/// variable: the funding rows), most first; ties in block order.
fn disagreeing_blocks(model: &Model, blocks: &Blocks, plan: &[f64], relaxed: &[f64]) -> Vec<usize> {
    let differ: BTreeSet<usize> = (0..model.vars.len())
        .filter(|i| model.vars[*i].integer && (plan[*i] - relaxed[*i]).abs() > AGREE)
        .filter_map(|i| blocks.of[i])
        .collect();
    let mut more: BTreeMap<usize, f64> = differ.iter().map(|b| (*b, 0.0)).collect();
    for row in &model.rows {
        if row.terms.iter().all(|(v, _)| blocks.of[v.0].is_some()) {
            continue;
        }
        for (v, c) in &row.terms {
            if let Some(m) = blocks.of[v.0].and_then(|b| more.get_mut(&b)) {
                *m += c.abs() * (plan[v.0] - relaxed[v.0]);
            }
        }
    }
    let mut order: Vec<(usize, f64)> = more.into_iter().collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    order.into_iter().map(|(b, _)| b).collect()
}

/// Sets of at most `size` blocks, each half from the front of `order` (where the plan spends
/// more than the relaxation) and half from its back (where it spends less): money can move
/// between the two inside one small model.
fn neighbourhoods(order: Vec<usize>, size: usize) -> Vec<BTreeSet<usize>> {
    let mut out = Vec::new();
    let (mut front, mut back) = (0, order.len());
    let half = (size / 2).max(1);
    while front < back {
        let mut set = BTreeSet::new();
        let take_front = half.min(back - front);
        set.extend(&order[front..front + take_front]);
        front += take_front;
        let take_back = half.min(back - front);
        set.extend(&order[back - take_back..back]);
        back -= take_back;
        out.push(set);
    }
    out
}

/// The model with the integer variables of every block not in `free` fixed at the plan's values.
fn reduce_around(model: &Model, blocks: &Blocks, plan: &[f64], free: &BTreeSet<usize>) -> Reduced {
    let fixed: Vec<Option<f64>> = model
        .vars
        .iter()
        .zip(&blocks.of)
        .zip(plan)
        .map(|((v, b), x)| match b {
            Some(b) if v.integer && !free.contains(b) => Some(x.round()),
            _ => None,
        })
        .collect();
    reduce(model, &fixed)
}

/// The model over the variables not in `fixed`, each fixed value moved into the rows' bounds
/// and the objective's constant. Rows left with fixed variables only are dropped: the plan the
/// values come from satisfies them.
fn reduce(model: &Model, fixed: &[Option<f64>]) -> Reduced {
    let mut index = vec![usize::MAX; model.vars.len()];
    let mut out = Model::new(model.sense);
    let mut free = Vec::new();
    out.obj_constant = model.obj_constant;
    for (i, (v, f)) in model.vars.iter().zip(fixed).enumerate() {
        match f {
            Some(x) => out.obj_constant += v.obj * x,
            None => {
                index[i] = out.vars.len();
                out.vars.push(v.clone());
                free.push(i);
            }
        }
    }
    for row in &model.rows {
        let mut constant = 0.0;
        let mut terms = Vec::new();
        for (Var(i), c) in &row.terms {
            match fixed[*i] {
                Some(x) => constant += c * x,
                None => terms.push((Var(index[*i]), *c)),
            }
        }
        if !terms.is_empty() {
            out.rows.push(Row {
                name: row.name.clone(),
                terms,
                lo: row.lo - constant,
                hi: row.hi - constant,
            });
        }
    }
    Reduced { model: out, free }
}

#[cfg(test)]
mod tests {
    use super::super::model::Sense;
    use super::super::solve::relaxation;
    use super::*;

    /// Three communes share a budget of 4. Commune 0 reaches its goal with a (cost 3), commune 1
    /// with b (cost 2), commune 2 with c (cost 2). Worked by hand: the best is b and c, 2
    /// communes; the relaxation also gives 2 (b, c), so the bound is 2. Starting from a alone
    /// (1 commune), freeing the communes where the start and the relaxation disagree (all three)
    /// finds b and c: 2, proven optimal.
    #[test]
    fn improves_a_plan_to_the_bound() {
        let mut m = Model::new(Sense::Maximize);
        let x: Vec<Var> = (0..3).map(|i| m.binary(format!("x{i}"))).collect();
        let z: Vec<Var> = (0..3).map(|i| m.binary(format!("z{i}"))).collect();
        for i in 0..3 {
            m.add_obj(z[i], 1.0);
            m.row(
                format!("goal{i}"),
                vec![(z[i], 1.0), (x[i], -1.0)],
                f64::NEG_INFINITY,
                0.0,
            );
        }
        let costs = [3.0, 2.0, 2.0];
        let budget: Vec<(Var, f64)> = x.iter().zip(costs).map(|(v, c)| (*v, c)).collect();
        m.row("budget".into(), budget, f64::NEG_INFINITY, 4.0);
        let blocks = Blocks {
            of: vec![Some(0), Some(1), Some(2), Some(0), Some(1), Some(2)],
        };
        let start = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
        assert!(m.is_feasible(&start, 1e-9));
        let relaxed = relaxation(&m, Settings::unlimited()).unwrap();
        let bound = bound_of(&m, &relaxed);
        let out = improve(
            &m,
            &blocks,
            Settings::unlimited(),
            (&relaxed, bound),
            &start,
            0.0,
        );
        assert_eq!(m.objective_of(&out.values), 2.0);
        assert_eq!(out.bound, Some(2.0));
        assert!(out.optimal);
        assert!(m.is_feasible(&out.values, 1e-9));
    }

    /// Fixed values move into the rows' bounds and the objective's constant; a row of fixed
    /// variables alone is dropped.
    #[test]
    fn fixed_values_move_into_the_bounds() {
        let mut m = Model::new(Sense::Maximize);
        let a = m.binary("a".into());
        let b = m.binary("b".into());
        m.add_obj(a, 5.0);
        m.row(
            "one".into(),
            vec![(a, 1.0), (b, 1.0)],
            f64::NEG_INFINITY,
            1.0,
        );
        m.row("only_a".into(), vec![(a, 1.0)], 0.0, 1.0);
        let r = reduce(&m, &[Some(1.0), None]);
        assert_eq!(r.free, vec![1]);
        assert_eq!(r.model.rows.len(), 1);
        assert_eq!(r.model.rows[0].hi, 0.0);
        assert_eq!(r.model.obj_constant, 5.0);
    }
}
