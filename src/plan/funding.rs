//! The funding split (phân bổ nguồn vốn) for a fixed selection of projects: a small linear
//! program over (eligible-source group, source, year) with budgets and counterpart rules. Used
//! by the heuristic to test a selection, and to split the money of the final plan.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::model::{lp_name, Model, Sense, Var, MONEY_SCALE};
use super::solve::{solve, Settings};
use crate::scenario::Scenario;

/// Projects that may draw on the same set of sources (nhóm dự án cùng nguồn).
#[derive(Debug, Clone)]
pub(crate) struct Group {
    /// Indices of the eligible capital sources.
    pub sources: Vec<usize>,
}

/// One year's budget and counterpart rows over money variables `funds` (source, variable) of
/// year `t`; the one home of these rows, for the planning model and the funding LP alike:
/// `Σ f_st ≤ B_st` (`+ e_st` when `extra_cost` is given, each unit of extra money costing that
/// much in the objective), and per counterpart rule `Σ f_s₀t ≥ r · Σ_{s ∈ O} f_st`. Returns the
/// extra-money variables as (source, year, variable).
pub(crate) fn budget_rows(
    model: &mut Model,
    scenario: &Scenario,
    t: u16,
    funds: &[(usize, Var)],
    budget: &dyn Fn(usize, u16) -> f64,
    extra_cost: Option<f64>,
) -> Vec<(usize, u16, Var)> {
    let sources = &scenario.capital_sources;
    let mut extra = Vec::new();
    for (s, source) in sources.iter().enumerate() {
        let mut terms: Vec<(Var, f64)> = funds
            .iter()
            .filter(|(fs, _)| *fs == s)
            .map(|(_, v)| (*v, 1.0))
            .collect();
        if terms.is_empty() {
            continue;
        }
        if let Some(cost) = extra_cost {
            let e = model.var(
                format!("extra_s{s}_{}_{t}", lp_name(&source.id)),
                0.0,
                f64::INFINITY,
                false,
            );
            model.add_obj(e, cost);
            terms.push((e, -1.0));
            extra.push((s, t, e));
        }
        model.row(
            format!("budget_s{s}_{}_{t}", lp_name(&source.id)),
            terms,
            f64::NEG_INFINITY,
            budget(s, t),
        );
    }
    for (r, rule) in scenario.counterpart.iter().enumerate() {
        let ratio = rule.ratio.0.to_f64().unwrap_or(0.0);
        let terms: Vec<(Var, f64)> = funds
            .iter()
            .filter_map(|(s, v)| {
                let id = &sources[*s].id;
                let coef = f64::from(u8::from(*id == rule.source))
                    - if rule.of.contains(id) { ratio } else { 0.0 };
                (coef != 0.0).then_some((*v, coef))
            })
            .collect();
        model.row(format!("counterpart{r}_{t}"), terms, 0.0, f64::INFINITY);
    }
    extra
}

/// How much of each budget the money split keeps back (phần giữ lại để làm tròn), so that the
/// floating-point split, rounded to the VND, still fits: the report tries them in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hold {
    /// The whole budget.
    Nothing,
    /// 10 VND: the float split's own noise.
    Vnd,
    /// 10 VND and a billionth of the budget (100 VND of 100.000 million).
    Billionth,
    /// 10 VND and a millionth of the budget (100.000 VND of 100.000 million): a last resort,
    /// which moves that much onto another source when a budget is used up.
    Wide,
}

impl Hold {
    /// Million VND held back of `budget` (million VND).
    fn of(self, budget: f64) -> f64 {
        match self {
            Hold::Nothing => 0.0,
            Hold::Vnd => 1e-5,
            Hold::Billionth => budget * 1e-9 + 1e-5,
            Hold::Wide => budget * 1e-6 + 1e-5,
        }
    }
}

/// Money per (group, source, year) and extra money per (source, year), in solver units.
#[derive(Debug, Clone, Default)]
pub(crate) struct Funding {
    pub amounts: BTreeMap<(usize, usize, u16), f64>,
    pub extra: BTreeMap<(usize, u16), f64>,
}

/// Splits the money each (group, year) needs (`totals`, solver units) over the eligible
/// sources: state budgets last (non-state money first, then sources in scenario order, so the
/// split is deterministic); with `allow_extra`, budgets may be exceeded at the least total
/// excess. `hold` keeps a little of each budget back, room for rounding to the VND. `None` when
/// the budgets cannot pay.
pub(crate) fn fund(
    scenario: &Scenario,
    groups: &[Group],
    totals: &BTreeMap<(usize, u16), f64>,
    allow_extra: bool,
    hold: Hold,
) -> Option<Funding> {
    let sources = &scenario.capital_sources;
    let budget = |s: usize, t: u16| {
        let b = sources[s].budget_in(t).to_f64().unwrap_or(0.0);
        (b - hold.of(b)).max(0.0) * MONEY_SCALE
    };
    let mut model = Model::new(Sense::Minimize);
    let mut vars: BTreeMap<(usize, usize, u16), Var> = BTreeMap::new();
    // Keys are (group, year): the years, sorted and each once.
    let years: BTreeSet<u16> = totals.keys().map(|(_, t)| *t).collect();
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
        let funds: Vec<(usize, Var)> = vars
            .iter()
            .filter(|((_, _, vt), _)| *vt == t)
            .map(|((_, s, _), v)| (*s, *v))
            .collect();
        let extra_cost = allow_extra.then_some(1e3);
        for (s, t, e) in budget_rows(&mut model, scenario, t, &funds, &budget, extra_cost) {
            extra.insert((s, t), e);
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

/// Money each (group, year) needs (nhu cầu vốn theo nhóm và năm), exact in million VND: a sum
/// of decimals does not depend on the order of its terms, so a need grown project by project
/// (the greedy start) equals the need of the whole selection.
#[derive(Debug, Clone, Default)]
pub(crate) struct Needs(BTreeMap<(usize, u16), Decimal>);

impl Needs {
    /// The needs of a selection.
    pub fn of(scenario: &Scenario, group_of: &[usize], chosen: &BTreeMap<usize, u16>) -> Needs {
        let mut needs = Needs::default();
        for (&p, &t) in chosen {
            needs.add(scenario, group_of, p, t);
        }
        needs
    }

    /// Adds project `p` in year `t`.
    pub fn add(&mut self, scenario: &Scenario, group_of: &[usize], p: usize, t: u16) {
        *self.0.entry((group_of[p], t)).or_default() += scenario.projects[p].cost;
    }

    /// In solver units, as [`fund`] takes them.
    pub fn in_solver_units(&self) -> BTreeMap<(usize, u16), f64> {
        self.0
            .iter()
            .map(|(k, v)| (*k, v.to_f64().unwrap_or(0.0) * MONEY_SCALE))
            .collect()
    }
}

/// Money each (group, year) needs for a selection, in solver units.
pub(crate) fn totals_of(
    scenario: &Scenario,
    group_of: &[usize],
    chosen: &BTreeMap<usize, u16>,
) -> BTreeMap<(usize, u16), f64> {
    Needs::of(scenario, group_of, chosen).in_solver_units()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn fixture(name: &str) -> Scenario {
        Scenario::load(&Path::new("tests/fixtures").join(name)).unwrap()
    }

    #[test]
    fn budget_and_counterpart_rows_are_written_once_per_source_and_year() {
        // plan-counterpart: central-investment (0) and local (1), local ≥ 0.5 × central.
        // Two groups' money for central and one for local in 2023: one budget row per source
        // (2) and one counterpart row: local − 0.5 × both central variables ≥ 0.
        let s = fixture("plan-counterpart");
        let mut model = Model::new(Sense::Minimize);
        let a = model.var("a".into(), 0.0, 1.0, false);
        let b = model.var("b".into(), 0.0, 1.0, false);
        let l = model.var("l".into(), 0.0, 1.0, false);
        let extra = budget_rows(
            &mut model,
            &s,
            2023,
            &[(0, a), (0, b), (1, l)],
            &|_, _| 0.5,
            None,
        );
        assert!(extra.is_empty());
        let names: Vec<&str> = model.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "budget_s0_central_investment_2023",
                "budget_s1_local_2023",
                "counterpart0_2023"
            ]
        );
        assert_eq!(model.rows[2].terms, [(a, -0.5), (b, -0.5), (l, 1.0)]);
        // With extra money: one extra variable per source, on its budget row.
        let extra = budget_rows(&mut model, &s, 2024, &[(1, l)], &|_, _| 0.5, Some(1.0));
        assert_eq!(extra.len(), 1);
        assert_eq!(extra[0].0, 1);
    }

    #[test]
    fn the_split_pays_each_group_from_its_sources_within_budgets() {
        // plan-counterpart: one group (transport: central or local). 30 million needs local
        // ≥ 0.5 × central and local ≤ 10: central 20, local 10 (the only split). 40 cannot be
        // paid (central ≤ 20 by the rule, local ≤ 10); with extra money allowed it can.
        let s = fixture("plan-counterpart");
        let groups = [Group {
            sources: vec![0, 1],
        }];
        let totals = BTreeMap::from([((0, 2023), 30.0 * MONEY_SCALE)]);
        let money = fund(&s, &groups, &totals, false, Hold::Nothing).unwrap();
        let central = money.amounts[&(0, 0, 2023)] / MONEY_SCALE;
        let local = money.amounts[&(0, 1, 2023)] / MONEY_SCALE;
        assert!((central - 20.0).abs() < 1e-6 && (local - 10.0).abs() < 1e-6);
        let totals = BTreeMap::from([((0, 2023), 40.0 * MONEY_SCALE)]);
        assert!(fund(&s, &groups, &totals, false, Hold::Nothing).is_none());
        let money = fund(&s, &groups, &totals, true, Hold::Nothing).unwrap();
        let extra: f64 = money.extra.values().sum::<f64>() / MONEY_SCALE;
        assert!(extra > 0.0);
    }
}
