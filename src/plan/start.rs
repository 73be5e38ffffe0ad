//! The starting plan (phương án xuất phát) a solve begins from. Small models start from the
//! cheapest-first greedy plan (`heuristic`). Models of many communes are solved by
//! decomposition (`decompose`): their LP relaxation is solved first, and the greedy plan grows
//! from the projects the relaxation funds whole, which on province-size and larger models is
//! already close to the bound.

use std::collections::BTreeMap;

use super::formulation::{Formulation, Goal, Requirement};
use super::solve::{relaxation, Settings};
use super::{funding, heuristic};
use crate::scenario::Scenario;

/// Communes with variables from which a model is solved by decomposition.
pub(crate) const DECOMPOSE_FROM: usize = 300;

/// A starting selection, and, for a model solved by decomposition, its relaxation's values.
pub(crate) struct Start {
    /// Project → year.
    pub chosen: BTreeMap<usize, u16>,
    /// The LP relaxation's values (`None`: the model is solved whole).
    pub relaxed: Option<Vec<f64>>,
}

impl Start {
    /// A start for the whole model (no decomposition), e.g. the plan of the stage before.
    pub fn whole(chosen: BTreeMap<usize, u16>) -> Start {
        Start {
            chosen,
            relaxed: None,
        }
    }
}

/// Whether a model is solved by decomposition: at least [`DECOMPOSE_FROM`] communes with
/// variables. `NTM_DECOMPOSE=0` or `1` forces the choice (for comparisons and tests).
pub(crate) fn decomposes(scenario: &Scenario, form: &Formulation) -> bool {
    match std::env::var("NTM_DECOMPOSE").as_deref() {
        Ok("0") => false,
        Ok("1") => true,
        _ => form.blocks(scenario).count() >= DECOMPOSE_FROM,
    }
}

/// The starting plan grown from `seed`: for a model solved by decomposition, from `seed` and
/// the projects its relaxation funds whole (when that start meets every requirement, else from
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
    let relaxed = decomposes(scenario, form)
        .then(|| relaxation(&form.model, share_of_time_left(settings)))
        .flatten();
    let Some(relaxed) = relaxed else {
        return Start::whole(greedy(seed));
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
    }
}

/// A start at `chosen` as it is (the plan of the stage before), with the relaxation when the
/// model is solved by decomposition.
pub(crate) fn start_at(
    scenario: &Scenario,
    form: &Formulation,
    settings: Settings,
    chosen: BTreeMap<usize, u16>,
) -> Start {
    let relaxed = decomposes(scenario, form)
        .then(|| relaxation(&form.model, share_of_time_left(settings)))
        .flatten();
    Start { chosen, relaxed }
}

/// Share of the time left before the deadline the relaxation may take: when it takes longer
/// (microlp on tens of thousands of communes), the rest goes to the greedy plan and the whole
/// model.
const RELAXATION_SHARE: f64 = 0.5;

/// Settings whose time limit is [`RELAXATION_SHARE`] of the time left (unchanged without a
/// deadline).
fn share_of_time_left(settings: Settings) -> Settings {
    let mut out = settings;
    if let Some(deadline) = settings.deadline {
        let left = deadline
            .checked_duration_since(std::time::Instant::now())
            .map_or(0.0, |d| d.as_secs_f64());
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
    let allow_extra = form.goal == Goal::MinExtra;
    let chosen = form.normalize(chosen);
    let totals = funding::totals_of(scenario, &form.group_of, &chosen);
    funding::fund(scenario, &form.groups, &totals, allow_extra, false)
        .map(|money| form.values_for(scenario, &chosen, &money))
        .filter(|values| form.model.is_feasible(values, 1e-6))
}
