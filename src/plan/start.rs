//! The starting plan (phương án xuất phát) a solve begins from: the cheapest-first greedy plan
//! (`heuristic`). On a small model its LP relaxation is solved first, and the greedy plan grows
//! from the projects the relaxation funds whole, which on province-size models is already
//! close to the bound. Models of many communes are solved by decomposition (`decompose`,
//! `columns`) from the greedy plan: column generation bounds them, faster than the relaxation.

use std::collections::BTreeMap;

use super::formulation::{Formulation, Goal, Requirement};
use super::model::Blocks;
use super::solve::{relaxation, Settings};
use super::{funding, heuristic};
use crate::scenario::Scenario;

/// Communes with variables from which a model is solved by decomposition.
pub(crate) const DECOMPOSE_FROM: usize = 300;

/// Models of fewer communes than [`DECOMPOSE_FROM`] but more variables than this are solved
/// whole from the greedy plan: microlp does not solve their relaxation in useful time.
const RELAXATION_MAX_VARS: usize = 60_000;

/// How a model is solved after its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    /// The whole model by the backend's branch and bound, from the start.
    Whole,
    /// A small model: proven at the start when it reaches the relaxation's bound; otherwise
    /// column generation, then the whole model (neighbourhoods instead with `quick`, the
    /// what-ifs).
    SmallModel,
    /// Column generation and neighbourhoods of commune blocks (`decompose`), from the start.
    Decompose,
}

/// A starting selection, with its relaxation's values when the method uses them.
pub(crate) struct Start {
    /// Project → year.
    pub chosen: BTreeMap<usize, u16>,
    /// The LP relaxation's values (only for [`Method::SmallModel`]).
    pub relaxed: Option<Vec<f64>>,
    pub method: Method,
    /// The commune of every variable (`Formulation::blocks`), computed once per start.
    pub blocks: Blocks,
}

/// How a model is solved: by decomposition from [`DECOMPOSE_FROM`] communes with variables;
/// below, as a small model from a start grown from the relaxation, or whole from the greedy
/// plan above [`RELAXATION_MAX_VARS`] variables. `NTM_DECOMPOSE=1` forces the
/// decomposition, `NTM_DECOMPOSE=0` the whole model from the greedy plan (the planner before
/// the decomposition; for comparisons and tests).
fn method_of(form: &Formulation, blocks: &Blocks) -> Method {
    match std::env::var("NTM_DECOMPOSE").as_deref() {
        Ok("0") => Method::Whole,
        Ok("1") => Method::Decompose,
        _ if blocks.count() >= DECOMPOSE_FROM => Method::Decompose,
        _ if form.model.vars.len() > RELAXATION_MAX_VARS => Method::Whole,
        _ => Method::SmallModel,
    }
}

/// The relaxation a small model needs, in at most [`RELAXATION_SHARE`] of the time left; when it
/// is not solved in time the model is solved [`Method::Whole`].
fn relaxation_for(
    form: &Formulation,
    method: Method,
    settings: Settings,
) -> (Method, Option<Vec<f64>>) {
    match method {
        // A decomposed model: column generation bounds it, and its restricted master steers
        // the neighbourhoods (`decompose::improve_with_columns`), faster than the relaxation.
        Method::Whole | Method::Decompose => (method, None),
        Method::SmallModel => match relaxation(&form.model, share_of_time_left(settings)) {
            Some(relaxed) => (method, Some(relaxed)),
            None => (Method::Whole, None),
        },
    }
}

/// The starting plan grown from `seed`: when the method solves the relaxation, from `seed` and
/// the projects the relaxation funds whole (when that start meets every requirement, else from
/// `seed` alone); otherwise the greedy plan from `seed`.
pub(crate) fn start_plan(
    scenario: &Scenario,
    form: &Formulation,
    requirements: &[Requirement],
    settings: Settings,
    seed: &BTreeMap<usize, u16>,
) -> Start {
    let allow_extra = form.goal == Goal::MinExtra;
    let greedy = |seed: &BTreeMap<usize, u16>| {
        heuristic::initial_plan(
            scenario,
            form,
            requirements,
            allow_extra,
            settings.deadline,
            seed,
        )
    };
    let blocks = form.blocks(scenario);
    let (method, relaxed) = relaxation_for(form, method_of(form, &blocks), settings);
    let Some(relaxed) = relaxed else {
        return Start {
            chosen: greedy(seed),
            relaxed: None,
            method,
            blocks,
        };
    };
    let mut grown_seed = form.selection(&whole(&relaxed));
    grown_seed.extend(seed.iter().map(|(p, t)| (*p, *t)));
    let grown = greedy(&grown_seed);
    let chosen = if values_of(scenario, form, &grown).is_some() {
        grown
    } else {
        greedy(seed)
    };
    Start {
        chosen,
        relaxed: Some(relaxed),
        method,
        blocks,
    }
}

/// A start at `chosen` as it is (the plan of the stage before), with the relaxation its method
/// needs.
pub(crate) fn start_at(
    scenario: &Scenario,
    form: &Formulation,
    settings: Settings,
    chosen: BTreeMap<usize, u16>,
) -> Start {
    let blocks = form.blocks(scenario);
    let (method, relaxed) = relaxation_for(form, method_of(form, &blocks), settings);
    Start {
        chosen,
        relaxed,
        method,
        blocks,
    }
}

/// Share of the time left before the deadline the relaxation may take: when it takes longer
/// (microlp on tens of thousands of communes), the rest goes to the greedy plan and the whole
/// model.
const RELAXATION_SHARE: f64 = 0.5;

/// Settings whose time limit is [`RELAXATION_SHARE`] of the time left (unchanged without a
/// deadline).
fn share_of_time_left(settings: Settings) -> Settings {
    let mut out = settings;
    if let Some(left) = settings.time_left() {
        out.time_limit = Some(left * RELAXATION_SHARE);
    }
    out
}

/// Relaxation values with every value not within 10⁻⁶ of 1 set to 0: the decisions it makes
/// whole.
fn whole(relaxed: &[f64]) -> Vec<f64> {
    relaxed
        .iter()
        .map(|x| if *x >= 1.0 - 1e-6 { 1.0 } else { 0.0 })
        .collect()
}

/// The values of every variable for a selection (its part the model represents), funded by the
/// funding LP; `None` when the sources cannot pay it or it breaks a row.
pub(crate) fn values_of(
    scenario: &Scenario,
    form: &Formulation,
    chosen: &BTreeMap<usize, u16>,
) -> Option<Vec<f64>> {
    funded_values(scenario, form, chosen).filter(|values| form.model.is_feasible(values, 1e-6))
}

/// The values of every variable for a selection (its part the model represents), funded by the
/// funding LP (beyond the budgets only for the least-extra-money goal); `None` when the sources
/// cannot pay it. The rows are not checked.
pub(crate) fn funded_values(
    scenario: &Scenario,
    form: &Formulation,
    chosen: &BTreeMap<usize, u16>,
) -> Option<Vec<f64>> {
    let allow_extra = form.goal == Goal::MinExtra;
    let chosen = form.normalize(chosen);
    let totals = funding::totals_of(scenario, &form.group_of, &chosen);
    funding::fund(
        scenario,
        &form.groups,
        &totals,
        allow_extra,
        funding::Hold::Nothing,
    )
    .map(|money| form.values_for(scenario, &chosen, &money))
}
