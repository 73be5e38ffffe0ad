//! The funding split (phân bổ nguồn vốn) for a fixed selection of projects: a small linear
//! program over (eligible-source group, source, year) with budgets and counterpart rules. Used
//! by the heuristic to test a selection, and to split the money of the final plan.

use std::collections::BTreeMap;

use rust_decimal::prelude::ToPrimitive;

use super::formulation::{lp_name, Group, MONEY_SCALE};
use super::model::{Model, Sense, Var};
use super::solve::{solve, Settings};
use crate::scenario::Scenario;

/// Money per (group, source, year) and extra money per (source, year), in solver units.
#[derive(Debug, Clone, Default)]
pub(crate) struct Funding {
    pub amounts: BTreeMap<(usize, usize, u16), f64>,
    pub extra: BTreeMap<(usize, u16), f64>,
}

/// Splits the money each (group, year) needs (`totals`, solver units) over the eligible
/// sources: state budgets last (non-state money first, then sources in scenario order, so the
/// split is deterministic); with `allow_extra`, budgets may be exceeded at the least total
/// excess. With `margin`, each budget is held back by a millionth plus 10 VND, room for
/// rounding to the VND. `None` when the budgets cannot pay.
pub(crate) fn fund(
    scenario: &Scenario,
    groups: &[Group],
    totals: &BTreeMap<(usize, u16), f64>,
    allow_extra: bool,
    margin: bool,
) -> Option<Funding> {
    let sources = &scenario.capital_sources;
    let budget = |s: usize, t: u16| {
        let b = sources[s].budget_in(t).to_f64().unwrap_or(0.0);
        let held = if margin { b * 1e-6 + 1e-5 } else { 0.0 };
        (b - held).max(0.0) * MONEY_SCALE
    };
    let mut model = Model::new(Sense::Minimize);
    let mut vars: BTreeMap<(usize, usize, u16), Var> = BTreeMap::new();
    let mut years: Vec<u16> = totals.keys().map(|(_, t)| *t).collect();
    years.dedup();
    for (&(g, t), &total) in totals {
        if total <= 0.0 {
            continue;
        }
        let mut terms = Vec::new();
        for &s in &groups[g].sources {
            let hi = if allow_extra {
                total
            } else {
                total.min(budget(s, t))
            };
            if hi <= 0.0 {
                continue;
            }
            let v = model.var(format!("f_g{g}_s{s}_{t}"), 0.0, hi, false);
            let state = if sources[s].kind.is_state_budget() {
                1.0
            } else {
                0.0
            };
            model.add_obj(v, state + 1e-4 * (s as f64 + 1.0));
            vars.insert((g, s, t), v);
            terms.push((v, 1.0));
        }
        if terms.is_empty() {
            return None;
        }
        model.row(format!("total_g{g}_{t}"), terms, total, total);
    }
    let mut extra: BTreeMap<(usize, u16), Var> = BTreeMap::new();
    for &t in &years {
        for (s, source) in sources.iter().enumerate() {
            let mut terms: Vec<(Var, f64)> = vars
                .iter()
                .filter(|((_, vs, vt), _)| *vs == s && *vt == t)
                .map(|(_, v)| (*v, 1.0))
                .collect();
            if terms.is_empty() {
                continue;
            }
            if allow_extra {
                let e = model.var(
                    format!("e_{}_{t}", lp_name(&source.id)),
                    0.0,
                    f64::INFINITY,
                    false,
                );
                model.add_obj(e, 1e3);
                terms.push((e, -1.0));
                extra.insert((s, t), e);
            }
            model.row(
                format!("budget_s{s}_{t}"),
                terms,
                f64::NEG_INFINITY,
                budget(s, t),
            );
        }
        for (r, rule) in scenario.counterpart.iter().enumerate() {
            let ratio = rule.ratio.0.to_f64().unwrap_or(0.0);
            let terms: Vec<(Var, f64)> = vars
                .iter()
                .filter(|((_, _, vt), _)| *vt == t)
                .filter_map(|((_, s, _), v)| {
                    let id = &sources[*s].id;
                    let coef = f64::from(u8::from(*id == rule.source))
                        - if rule.of.contains(id) { ratio } else { 0.0 };
                    (coef != 0.0).then_some((*v, coef))
                })
                .collect();
            model.row(format!("counterpart{r}_{t}"), terms, 0.0, f64::INFINITY);
        }
    }
    let solved = solve(&model, Settings::unlimited(), None).ok()?;
    Some(Funding {
        amounts: vars
            .iter()
            .map(|(k, v)| (*k, solved.values[v.0].max(0.0)))
            .collect(),
        extra: extra
            .iter()
            .map(|(k, v)| (*k, solved.values[v.0].max(0.0)))
            .collect(),
    })
}

/// Money each (group, year) needs for a selection, in solver units.
pub(crate) fn totals_of(
    scenario: &Scenario,
    group_of: &[usize],
    chosen: &BTreeMap<usize, u16>,
) -> BTreeMap<(usize, u16), f64> {
    let mut totals: BTreeMap<(usize, u16), f64> = BTreeMap::new();
    for (&p, &t) in chosen {
        *totals.entry((group_of[p], t)).or_default() +=
            scenario.projects[p].cost.to_f64().unwrap_or(0.0) * MONEY_SCALE;
    }
    totals
}
