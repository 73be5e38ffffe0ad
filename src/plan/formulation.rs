//! The formulation (mô hình toán): builds the mixed-integer model of `docs/model.md` from a
//! scenario, section by section. Reductions happen here: criteria already met or out of reach
//! become constants, only criteria that a target or the objective needs get variables, only
//! projects that touch such a criterion get selection variables, and funding is one variable per
//! (eligible-source group, source, year) rather than per project.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::funding::Funding;
use super::model::{Model, Sense, Var};
use crate::catalog::{Node, TierId};
use crate::error::{Error, Result};
use crate::evaluate::evaluate_communes;
use crate::outcome::{apply_projects, cumulative_band_target};
use crate::scenario::{Must, Scenario, TargetKind};

/// Money in the solver is in billion VND (scenario amounts are million VND): keeps the
/// coefficients of selection and budget rows near 1.
pub(crate) const MONEY_SCALE: f64 = 1e-3;

/// What a requirement counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Measure {
    /// Communes meeting a criterion.
    Criterion(u8),
    /// Communes at a tier or higher.
    Tier(TierId),
    /// Communes with at least this many criteria.
    AtLeast(u8),
    /// Criteria met over all communes.
    TotalCriteria,
}

/// A commune-count requirement at the end of a planning year: measure ≥ `at_least`.
#[derive(Debug, Clone)]
pub(crate) struct Requirement {
    /// Planning year it applies to.
    pub year: u16,
    /// What it counts.
    pub measure: Measure,
    /// The least count.
    pub at_least: i64,
}

/// What the model optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Goal {
    /// Communes at standard in the last year.
    MaxStandard,
    /// Criteria met in the last year.
    MaxCriteria,
    /// State-budget spend.
    MinCost,
    /// Spend from every source (a tie-break stage).
    MinTotal,
    /// Total shortfall of the requirements (elastic requirements).
    MinShortfall,
    /// Extra money beyond the budgets that makes every requirement hold.
    MinExtra,
}

/// Projects that may draw on the same set of sources (nhóm dự án cùng nguồn).
#[derive(Debug, Clone)]
pub(crate) struct Group {
    /// Indices of the eligible capital sources.
    pub sources: Vec<usize>,
}

/// A funding variable: money of `source` to projects of `group` in `year`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FundVar {
    pub group: usize,
    pub source: usize,
    pub year: u16,
    pub var: Var,
}

/// Candidate projects above which a criterion keeps per-project variables (2^n subsets).
const MAX_COVER_CANDIDATES: usize = 10;

/// A minimal set of single-criterion projects that closes a criterion in a commune (bộ dự án
/// tối thiểu). Its members may be funded in different years: a member with one possible year
/// is paid through the cover's variable in that year; a member with several possible years
/// (*flexible*) has its own year variables, tied to the cover by `Σ_t x_pt = Σ_{v ∋ p} o_v`.
#[derive(Debug, Clone)]
pub(crate) struct Cover {
    /// Members, each with the years it may be funded in (ascending, within the model's years).
    pub members: Vec<(usize, Vec<u16>)>,
    /// Cost per (eligible-source group, year) of the members with one possible year, solver
    /// units.
    pub fixed: BTreeMap<(usize, u16), f64>,
    /// Total cost of all members, solver units.
    pub total: f64,
    /// The first year by the end of which every member can have been funded.
    pub ready: u16,
    pub var: Var,
}

impl Cover {
    /// Total cost, solver units.
    pub fn cost(&self) -> f64 {
        self.total
    }

    /// Project ids of the members.
    pub fn projects(&self) -> impl Iterator<Item = usize> + '_ {
        self.members.iter().map(|(p, _)| *p)
    }

    /// Whether every member has a single possible year.
    fn all_fixed(&self) -> bool {
        self.members.iter().all(|(_, years)| years.len() == 1)
    }

    /// No dearer in any (group, year) and paid in no year the other is not: then it is ready
    /// no later either. Only covers whose members all have one year compare.
    fn dominates(&self, other: &Cover) -> bool {
        self.all_fixed()
            && other.all_fixed()
            && self
                .fixed
                .iter()
                .all(|(k, c)| other.fixed.get(k).is_some_and(|o| *c <= *o + 1e-12))
    }

    /// Whether a selection funds every member in one of its years.
    fn funded_in(&self, chosen: &BTreeMap<usize, u16>) -> bool {
        self.members
            .iter()
            .all(|(p, years)| chosen.get(p).is_some_and(|t| years.contains(t)))
    }
}

/// A requirement's row: Σ `terms` (+ shortfall) ≥ `need`.
#[derive(Debug, Clone)]
pub(crate) struct RequirementRow {
    pub terms: Vec<Var>,
    pub need: f64,
    pub shortfall: Option<Var>,
}

/// The model and the meaning of its variables.
pub(crate) struct Formulation {
    pub model: Model,
    pub goal: Goal,
    /// Planning years, ascending.
    pub years: Vec<u16>,
    /// Per project: (year, selection variable).
    pub x: Vec<Vec<(u16, Var)>>,
    /// Eligible-source group of each project.
    pub group_of: Vec<usize>,
    pub groups: Vec<Group>,
    /// Project sets that close a criterion, each with its own variable.
    pub covers: Vec<Cover>,
    /// Covers per (commune, criterion), cheapest first.
    pub covers_of: BTreeMap<(usize, u8), Vec<usize>>,
    pub f: Vec<FundVar>,
    /// Extra money per (source, year) (goal `MinExtra`).
    pub extra: Vec<(usize, u16, Var)>,
    pub requirements: Vec<RequirementRow>,
    /// Node variables: (commune, node, year) → var.
    pub nodes: BTreeMap<(usize, Node, u16), Var>,
    /// "At least m criteria" variables: (commune, m, year) → var.
    pub at_least: BTreeMap<(usize, u8, u16), Var>,
}

/// Known value of a node before solving, or "decided by the model".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Yes,
    No,
    Open,
}

/// The planning years of a scenario, ascending.
pub(crate) fn planning_years(scenario: &Scenario) -> Result<Vec<u16>> {
    let years: BTreeSet<u16> = scenario.years.iter().copied().collect();
    if years.is_empty() {
        return Err(Error::Unsupported {
            message: format!("scenario `{}` has no planning years", scenario.name),
            hint: "add `years = [2023]` to scenario.toml".into(),
        });
    }
    Ok(years.into_iter().collect())
}

/// The planning year a target of `year` is checked in: the last planning year not after it
/// (the first planning year for earlier targets).
pub(crate) fn year_of_target(years: &[u16], year: u16) -> u16 {
    years
        .iter()
        .rev()
        .find(|y| **y <= year)
        .or(years.first())
        .copied()
        .unwrap_or(year)
}

/// The scenario's targets as requirements (band targets read cumulatively, average criteria as
/// the least total whose two-decimal average reaches the target), in target order.
pub(crate) fn requirements_of(scenario: &Scenario, years: &[u16]) -> Vec<Requirement> {
    let n = scenario.communes.len();
    scenario
        .targets
        .iter()
        .map(|t| {
            let year = year_of_target(years, t.year);
            let (measure, at_least) = match &t.kind {
                TargetKind::Criterion { criterion } => {
                    (Measure::Criterion(*criterion), ceil_count(t.value))
                }
                TargetKind::Tier { tier } => (Measure::Tier(*tier), ceil_count(t.value)),
                TargetKind::Band { band } => {
                    let min = scenario
                        .catalog
                        .bands
                        .iter()
                        .find(|b| &b.id == band)
                        .map_or(0, |b| b.min);
                    let value = cumulative_band_target(t, &scenario.targets, &scenario.catalog);
                    (Measure::AtLeast(min), ceil_count(value))
                }
                TargetKind::MinCriteria { min } => (Measure::AtLeast(*min), ceil_count(t.value)),
                TargetKind::AverageCriteria => {
                    (Measure::TotalCriteria, least_total_for_average(t.value, n))
                }
            };
            Requirement {
                year,
                measure,
                at_least,
            }
        })
        .collect()
}

fn ceil_count(value: Decimal) -> i64 {
    value.ceil().to_i64().unwrap_or(i64::MAX)
}

/// The least total of criteria whose average over `n` communes, rounded to two decimals as
/// `outcome::achieved` rounds it, reaches `value`.
fn least_total_for_average(value: Decimal, n: usize) -> i64 {
    if n == 0 {
        return 0;
    }
    let communes = Decimal::from(n);
    let mut total = ((value - Decimal::new(1, 2)) * communes)
        .floor()
        .to_i64()
        .unwrap_or(0)
        .max(0);
    while crate::number::round_half_up(
        Decimal::from(total) / communes,
        crate::number::AVERAGE_PLACES,
    ) < value
    {
        total += 1;
    }
    total
}

impl Formulation {
    /// Builds the model for `goal` with `requirements` (hard unless the goal is
    /// `MinShortfall`).
    pub fn build(
        scenario: &Scenario,
        goal: Goal,
        requirements: &[Requirement],
    ) -> Result<Formulation> {
        let years = planning_years(scenario)?;
        let last = *years.last().unwrap_or(&0);
        let catalog = &scenario.catalog;
        let graph = catalog.graph();
        let order: Vec<Node> = graph.order().to_vec();
        let gates: BTreeMap<Node, Vec<Node>> =
            order.iter().map(|n| (*n, graph.gates_of(*n))).collect();
        let criteria: Vec<u8> = catalog.criteria.iter().map(|c| c.id).collect();

        // Years each project may be funded in.
        let mut windows: Vec<Vec<u16>> = Vec::with_capacity(scenario.projects.len());
        for p in &scenario.projects {
            let w: Vec<u16> = if p.must == Some(Must::Skip) {
                Vec::new()
            } else {
                years
                    .iter()
                    .copied()
                    .filter(|y| p.year_from <= *y && *y <= p.year_to)
                    .collect()
            };
            if w.is_empty() && p.must == Some(Must::Fund) {
                return Err(Error::Unsupported {
                    message: format!(
                        "project `{}` must be funded but its years {}-{} miss the planning years",
                        p.id, p.year_from, p.year_to
                    ),
                    hint: "widen its year window or clear `must`".into(),
                });
            }
            windows.push(w);
        }
        // Candidate projects per (commune, criterion).
        let mut candidates: BTreeMap<(usize, u8), Vec<(usize, f64)>> = BTreeMap::new();
        for (i, p) in scenario.projects.iter().enumerate() {
            if windows[i].is_empty() {
                continue;
            }
            for g in &p.gains {
                candidates
                    .entry((p.commune, g.criterion))
                    .or_default()
                    .push((i, g.fraction.to_f64().unwrap_or(0.0)));
            }
        }
        let earliest = |p: usize| windows[p].first().copied().unwrap_or(u16::MAX);

        // Years in which node values matter.
        let mut node_years: BTreeSet<u16> = requirements.iter().map(|r| r.year).collect();
        node_years.insert(last);

        // 1. What is known before solving (reductions).
        let mut state: BTreeMap<(usize, Node, u16), State> = BTreeMap::new();
        for (c, commune) in scenario.communes.iter().enumerate() {
            for &t in &node_years {
                for node in &order {
                    let own = match node {
                        Node::Criterion(k) => {
                            if commune.met.contains(*k) {
                                State::Yes
                            } else {
                                let reach: f64 = candidates
                                    .get(&(c, *k))
                                    .map(|list| {
                                        list.iter()
                                            .filter(|(p, _)| earliest(*p) <= t)
                                            .map(|(_, g)| g)
                                            .sum()
                                    })
                                    .unwrap_or(0.0);
                                if reach >= 1.0 - 1e-9 {
                                    State::Open
                                } else {
                                    State::No
                                }
                            }
                        }
                        Node::Tier(TierId::Standard) => State::Yes,
                        Node::Tier(TierId::Advanced) => {
                            if criteria.iter().all(|k| commune.advanced_met.contains(*k)) {
                                State::Yes
                            } else {
                                State::No
                            }
                        }
                        Node::Tier(TierId::Model) => {
                            if commune.model_conditions {
                                State::Yes
                            } else {
                                State::No
                            }
                        }
                    };
                    let mut s = own;
                    for g in &gates[node] {
                        match state.get(&(c, *g, t)).copied().unwrap_or(State::No) {
                            State::No => s = State::No,
                            State::Open if s == State::Yes => s = State::Open,
                            _ => {}
                        }
                    }
                    state.insert((c, *node, t), s);
                }
            }
        }
        let known = |c: usize, node: Node, t: u16| state.get(&(c, node, t)).copied();

        // 2. Which open nodes a requirement or the objective needs.
        let mut needed: BTreeSet<(usize, Node, u16)> = BTreeSet::new();
        let mut need_at_least: BTreeSet<(usize, u8, u16)> = BTreeSet::new();
        let n = scenario.communes.len();
        let need_node = |needed: &mut BTreeSet<(usize, Node, u16)>, c, node, t| {
            if known(c, node, t) == Some(State::Open) {
                needed.insert((c, node, t));
            }
        };
        let counts_of = |c: usize, t: u16| {
            let yes = criteria
                .iter()
                .filter(|k| known(c, Node::Criterion(**k), t) == Some(State::Yes))
                .count();
            let open = criteria
                .iter()
                .filter(|k| known(c, Node::Criterion(**k), t) == Some(State::Open))
                .count();
            (yes, open)
        };
        for r in requirements {
            for c in 0..n {
                match &r.measure {
                    Measure::Criterion(k) => need_node(&mut needed, c, Node::Criterion(*k), r.year),
                    Measure::Tier(tier) => need_node(&mut needed, c, Node::Tier(*tier), r.year),
                    Measure::AtLeast(m) => {
                        let (yes, open) = counts_of(c, r.year);
                        if yes < usize::from(*m) && yes + open >= usize::from(*m) {
                            need_at_least.insert((c, *m, r.year));
                            for k in &criteria {
                                need_node(&mut needed, c, Node::Criterion(*k), r.year);
                            }
                        }
                    }
                    Measure::TotalCriteria => {
                        for k in &criteria {
                            need_node(&mut needed, c, Node::Criterion(*k), r.year);
                        }
                    }
                }
            }
        }
        for c in 0..n {
            match goal {
                Goal::MaxStandard => need_node(&mut needed, c, Node::Tier(TierId::Standard), last),
                Goal::MaxCriteria => {
                    for k in &criteria {
                        need_node(&mut needed, c, Node::Criterion(*k), last);
                    }
                }
                _ => {}
            }
        }
        // Gates of needed nodes are needed (reverse topological order).
        for &t in &node_years {
            for c in 0..n {
                for node in order.iter().rev() {
                    if needed.contains(&(c, *node, t)) {
                        for g in &gates[node] {
                            need_node(&mut needed, c, *g, t);
                        }
                    }
                }
            }
        }

        // 3. Variables and rows.
        let sense = match goal {
            Goal::MaxStandard | Goal::MaxCriteria => Sense::Maximize,
            _ => Sense::Minimize,
        };
        let mut model = Model::new(sense);
        let max_needed_year = needed.iter().map(|(_, _, t)| *t).max().unwrap_or(0);
        let touches_needed = |p: usize| {
            let proj = &scenario.projects[p];
            proj.gains.iter().any(|g| {
                node_years.iter().any(|t| {
                    *t >= earliest(p)
                        && needed.contains(&(proj.commune, Node::Criterion(g.criterion), *t))
                })
            })
        };
        // Eligible-source groups.
        let sources = &scenario.capital_sources;
        let mut group_index: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut group_of = vec![usize::MAX; scenario.projects.len()];
        for (p, proj) in scenario.projects.iter().enumerate() {
            let eligible: Vec<usize> = sources
                .iter()
                .enumerate()
                .filter(|(_, s)| s.funds(&proj.category))
                .map(|(i, _)| i)
                .collect();
            let g = *group_index.entry(eligible.clone()).or_insert_with(|| {
                groups.push(Group { sources: eligible });
                groups.len() - 1
            });
            group_of[p] = g;
        }
        // Criteria closed only by single-criterion projects: the minimal project sets that close
        // them (covers), cheapest per group mix, replace the projects' own variables.
        let mut cover_pairs: BTreeSet<(usize, u8)> = BTreeSet::new();
        for &(c, node, _) in &needed {
            if let Node::Criterion(k) = node {
                let list = candidates.get(&(c, k)).map_or(&[][..], Vec::as_slice);
                let simple = !list.is_empty()
                    && list.len() <= MAX_COVER_CANDIDATES
                    && list.iter().all(|(p, _)| {
                        scenario.projects[*p].gains.len() == 1
                            && scenario.projects[*p].must.is_none()
                    });
                if simple {
                    cover_pairs.insert((c, k));
                }
            }
        }
        let in_cover_pair = |p: usize| {
            let proj = &scenario.projects[p];
            proj.gains.len() == 1 && cover_pairs.contains(&(proj.commune, proj.gains[0].criterion))
        };
        let mut covers: Vec<Cover> = Vec::new();
        let mut covers_of: BTreeMap<(usize, u8), Vec<usize>> = BTreeMap::new();
        // Flexible cover members → the variables of the covers they belong to.
        let mut flexible_links: BTreeMap<usize, Vec<Var>> = BTreeMap::new();
        let horizon = |p: usize| -> Vec<u16> {
            windows[p]
                .iter()
                .copied()
                .filter(|t| *t <= max_needed_year)
                .collect()
        };
        for &(c, k) in &cover_pairs {
            let open: Vec<(usize, f64, Vec<u16>)> = candidates[&(c, k)]
                .iter()
                .map(|(p, g)| (*p, *g, horizon(*p)))
                .filter(|(_, _, w)| !w.is_empty())
                .collect();
            let cost = |p: usize| scenario.projects[p].cost.to_f64().unwrap_or(0.0) * MONEY_SCALE;
            let mut found: Vec<Cover> = minimal_covers(&open)
                .into_iter()
                .map(|members| {
                    let mut fixed: BTreeMap<(usize, u16), f64> = BTreeMap::new();
                    for (p, years) in &members {
                        if let [t] = years[..] {
                            *fixed.entry((group_of[*p], t)).or_default() += cost(*p);
                        }
                    }
                    Cover {
                        total: members.iter().map(|(p, _)| cost(*p)).sum(),
                        ready: members.iter().map(|(_, w)| w[0]).max().unwrap_or(0),
                        fixed,
                        members,
                        var: Var(usize::MAX),
                    }
                })
                .collect();
            // Drop covers another one beats (ties: the earlier kept).
            found.sort_by(|a, b| {
                a.cost()
                    .total_cmp(&b.cost())
                    .then(a.ready.cmp(&b.ready))
                    .then_with(|| a.projects().cmp(b.projects()))
            });
            let mut kept: Vec<Cover> = Vec::new();
            for cover in found {
                if !kept.iter().any(|k| k.dominates(&cover)) {
                    kept.push(cover);
                }
            }
            let mut once = Vec::new();
            for mut cover in kept {
                let name = format!(
                    "o{c}_{}_c{k}_{}",
                    lp_name(&scenario.communes[c].id),
                    covers_of.get(&(c, k)).map_or(0, Vec::len)
                );
                cover.var = model.binary(name);
                once.push((cover.var, 1.0));
                for (p, years) in &cover.members {
                    if years.len() > 1 {
                        flexible_links.entry(*p).or_default().push(cover.var);
                    }
                }
                covers_of.entry((c, k)).or_default().push(covers.len());
                covers.push(cover);
            }
            if once.len() > 1 {
                model.row(
                    format!("cover_once{c}_{}_c{k}", lp_name(&scenario.communes[c].id)),
                    once,
                    0.0,
                    1.0,
                );
            }
        }
        let mut x: Vec<Vec<(u16, Var)>> = vec![Vec::new(); scenario.projects.len()];
        for (p, proj) in scenario.projects.iter().enumerate() {
            let must = proj.must == Some(Must::Fund);
            let links = flexible_links.get(&p);
            if !must && links.is_none() && (!touches_needed(p) || in_cover_pair(p)) {
                continue;
            }
            for &t in &windows[p] {
                if must || t <= max_needed_year {
                    x[p].push((t, model.binary(format!("x{p}_{}_{t}", lp_name(&proj.id)))));
                }
            }
            let mut terms: Vec<(Var, f64)> = x[p].iter().map(|(_, v)| (*v, 1.0)).collect();
            if must {
                model.row(format!("must{p}_{}", lp_name(&proj.id)), terms, 1.0, 1.0);
            } else if let Some(links) = links {
                // Funded once, in some year, exactly when a cover it belongs to is chosen.
                terms.extend(links.iter().map(|o| (*o, -1.0)));
                model.row(format!("link{p}_{}", lp_name(&proj.id)), terms, 0.0, 0.0);
            } else if terms.len() > 1 {
                model.row(format!("once{p}_{}", lp_name(&proj.id)), terms, 0.0, 1.0);
            }
        }
        // Criterion, tier and "at least m" indicators.
        let mut nodes: BTreeMap<(usize, Node, u16), Var> = BTreeMap::new();
        for &(c, node, t) in &needed {
            let name = format!(
                "{c}_{}_{}_{t}",
                lp_name(&scenario.communes[c].id),
                node.label()
            );
            nodes.insert((c, node, t), model.binary(format!("m_{name}")));
        }
        for &t in &node_years {
            for c in 0..n {
                for node in &order {
                    let Some(&v) = nodes.get(&(c, *node, t)) else {
                        continue;
                    };
                    let name = format!(
                        "{c}_{}_{}_{t}",
                        lp_name(&scenario.communes[c].id),
                        node.label()
                    );
                    if let Node::Criterion(k) = node {
                        if !scenario.communes[c].met.contains(*k) {
                            let gains = candidates.get(&(c, *k)).map_or(&[][..], Vec::as_slice);
                            if let Some(list) = covers_of.get(&(c, *k)) {
                                let chosen = ChosenCovers {
                                    list,
                                    covers: &covers,
                                    x: &x,
                                    gains,
                                };
                                cover_rows(&mut model, &name, v, t, &chosen);
                            } else {
                                // Gains funded by year t close the gap: y ≤ Σ gain · x.
                                let mut terms = vec![(v, 1.0)];
                                for (p, g) in gains {
                                    for (year, xv) in &x[*p] {
                                        if *year <= t {
                                            terms.push((*xv, -g.min(1.0)));
                                        }
                                    }
                                }
                                model.row(format!("gain_{name}"), terms, f64::NEG_INFINITY, 0.0);
                            }
                        }
                    }
                    for g in &gates[node] {
                        if let Some(&gv) = nodes.get(&(c, *g, t)) {
                            model.row(
                                format!("gate_{name}_{}", g.label()),
                                vec![(v, 1.0), (gv, -1.0)],
                                f64::NEG_INFINITY,
                                0.0,
                            );
                        }
                    }
                }
            }
        }
        let mut at_least: BTreeMap<(usize, u8, u16), Var> = BTreeMap::new();
        for &(c, m, t) in &need_at_least {
            let (yes, _) = counts_of(c, t);
            let name = format!("{c}_{}_{m}_{t}", lp_name(&scenario.communes[c].id));
            let w = model.binary(format!("w_{name}"));
            // (m − already met) · w ≤ Σ open criteria met.
            let mut terms = vec![(w, (usize::from(m) - yes) as f64)];
            for k in &criteria {
                if let Some(&y) = nodes.get(&(c, Node::Criterion(*k), t)) {
                    terms.push((y, -1.0));
                }
            }
            model.row(format!("atleast_{name}"), terms, f64::NEG_INFINITY, 0.0);
            at_least.insert((c, m, t), w);
        }

        // Funding per (eligible-source group, source, year).
        let mut f: Vec<FundVar> = Vec::new();
        let mut extra: Vec<(usize, u16, Var)> = Vec::new();
        let budget =
            |s: usize, t: u16| sources[s].budget_in(t).to_f64().unwrap_or(0.0) * MONEY_SCALE;
        for &t in &years {
            for (gi, group) in groups.iter().enumerate() {
                let mut members: Vec<(Var, f64)> = (0..scenario.projects.len())
                    .filter(|p| group_of[*p] == gi)
                    .flat_map(|p| {
                        let cost = scenario.projects[p].cost.to_f64().unwrap_or(0.0) * MONEY_SCALE;
                        x[p].iter()
                            .filter(|(year, _)| *year == t)
                            .map(move |(_, v)| (*v, cost))
                    })
                    .collect();
                members.extend(
                    covers
                        .iter()
                        .filter_map(|cv| cv.fixed.get(&(gi, t)).map(|cost| (cv.var, *cost))),
                );
                if members.is_empty() {
                    continue;
                }
                let total: f64 = members.iter().map(|(_, c)| c).sum();
                let mut terms: Vec<(Var, f64)> = Vec::new();
                for &s in &group.sources {
                    let hi = if goal == Goal::MinExtra {
                        total
                    } else {
                        total.min(budget(s, t))
                    };
                    if hi <= 0.0 {
                        continue;
                    }
                    let v = model.var(
                        format!("f_g{gi}_s{s}_{}_{t}", lp_name(&sources[s].id)),
                        0.0,
                        hi,
                        false,
                    );
                    if (goal == Goal::MinCost && sources[s].kind.is_state_budget())
                        || goal == Goal::MinTotal
                    {
                        model.add_obj(v, 1.0);
                    }
                    terms.push((v, 1.0));
                    f.push(FundVar {
                        group: gi,
                        source: s,
                        year: t,
                        var: v,
                    });
                }
                terms.extend(members.iter().map(|(v, c)| (*v, -c)));
                model.row(format!("fund_g{gi}_{t}"), terms, 0.0, 0.0);
            }
            for (s, source) in sources.iter().enumerate() {
                let mut terms: Vec<(Var, f64)> = f
                    .iter()
                    .filter(|fv| fv.source == s && fv.year == t)
                    .map(|fv| (fv.var, 1.0))
                    .collect();
                if terms.is_empty() {
                    continue;
                }
                if goal == Goal::MinExtra {
                    let e = model.var(
                        format!("extra_s{s}_{}_{t}", lp_name(&source.id)),
                        0.0,
                        f64::INFINITY,
                        false,
                    );
                    model.add_obj(e, 1.0);
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
                let mut terms: Vec<(Var, f64)> = Vec::new();
                for fv in f.iter().filter(|fv| fv.year == t) {
                    let id = &sources[fv.source].id;
                    let mut coef = 0.0;
                    if *id == rule.source {
                        coef += 1.0;
                    }
                    if rule.of.contains(id) {
                        coef -= ratio;
                    }
                    if coef != 0.0 {
                        terms.push((fv.var, coef));
                    }
                }
                model.row(format!("counterpart{r}_{t}"), terms, 0.0, f64::INFINITY);
            }
        }

        // Requirements.
        let mut rows = Vec::new();
        for (r, req) in requirements.iter().enumerate() {
            let mut terms = Vec::new();
            let mut have = 0i64;
            for c in 0..n {
                match &req.measure {
                    Measure::Criterion(k) => match known(c, Node::Criterion(*k), req.year) {
                        Some(State::Yes) => have += 1,
                        _ => terms.extend(nodes.get(&(c, Node::Criterion(*k), req.year))),
                    },
                    Measure::Tier(tier) => match known(c, Node::Tier(*tier), req.year) {
                        Some(State::Yes) => have += 1,
                        _ => terms.extend(nodes.get(&(c, Node::Tier(*tier), req.year))),
                    },
                    Measure::AtLeast(m) => {
                        let (yes, _) = counts_of(c, req.year);
                        if yes >= usize::from(*m) {
                            have += 1;
                        } else {
                            terms.extend(at_least.get(&(c, *m, req.year)));
                        }
                    }
                    Measure::TotalCriteria => {
                        let (yes, _) = counts_of(c, req.year);
                        have += yes as i64;
                        for k in &criteria {
                            terms.extend(nodes.get(&(c, Node::Criterion(*k), req.year)));
                        }
                    }
                }
            }
            let need = (req.at_least - have) as f64;
            let shortfall = if goal == Goal::MinShortfall && need > 0.0 {
                let u = model.var(format!("short_{r}"), 0.0, need, true);
                model.add_obj(u, 1.0);
                Some(u)
            } else {
                None
            };
            if need > 0.0 {
                let mut row: Vec<(Var, f64)> = terms.iter().map(|v| (*v, 1.0)).collect();
                row.extend(shortfall.map(|u| (u, 1.0)));
                if row.is_empty() {
                    // Nothing can move this count: an empty row would be dropped, so keep the
                    // infeasibility visible with a fixed-zero slack.
                    let zero = model.var(format!("unreachable_{r}"), 0.0, 0.0, false);
                    row.push((zero, 1.0));
                }
                model.row(format!("target_{r}"), row, need, f64::INFINITY);
            }
            rows.push(RequirementRow {
                terms,
                need,
                shortfall,
            });
        }

        // Objective.
        for (&(_, node, t), &v) in &nodes {
            match (goal, node) {
                (Goal::MaxStandard, Node::Tier(TierId::Standard))
                | (Goal::MaxCriteria, Node::Criterion(_))
                    if t == last =>
                {
                    model.add_obj(v, 1.0)
                }
                _ => {}
            }
        }
        model.obj_constant = match goal {
            Goal::MaxStandard => (0..n)
                .filter(|c| known(*c, Node::Tier(TierId::Standard), last) == Some(State::Yes))
                .count() as f64,
            Goal::MaxCriteria => (0..n).map(|c| counts_of(c, last).0).sum::<usize>() as f64,
            _ => 0.0,
        };

        Ok(Formulation {
            model,
            goal,
            years,
            x,
            group_of,
            groups,
            covers,
            covers_of,
            f,
            extra,
            requirements: rows,
            nodes,
            at_least,
        })
    }

    /// Adds the row "state-budget spend ≤ `cap`" (solver units): a tie-break stage keeps what
    /// the stage before it reached.
    pub fn cap_state_spend(&mut self, scenario: &Scenario, cap: f64) {
        let terms: Vec<(Var, f64)> = self
            .f
            .iter()
            .filter(|fv| scenario.capital_sources[fv.source].kind.is_state_budget())
            .map(|fv| (fv.var, 1.0))
            .collect();
        self.model
            .row("state_spend_cap".into(), terms, f64::NEG_INFINITY, cap);
    }

    /// The year each selected project is funded in, from a solution's values.
    pub fn selection(&self, values: &[f64]) -> BTreeMap<usize, u16> {
        let mut chosen = BTreeMap::new();
        for (p, list) in self.x.iter().enumerate() {
            for (t, v) in list {
                if values[v.0] > 0.5 {
                    chosen.insert(p, *t);
                }
            }
        }
        for cover in &self.covers {
            if values[cover.var.0] > 0.5 {
                // Flexible members came with their own year above.
                for (p, years) in &cover.members {
                    if let [t] = years[..] {
                        chosen.insert(*p, t);
                    }
                }
            }
        }
        chosen
    }

    /// The cheapest cover of a criterion that a selection funds completely.
    fn chosen_cover(&self, list: &[usize], chosen: &BTreeMap<usize, u16>) -> Option<&Cover> {
        list.iter()
            .map(|i| &self.covers[*i])
            .find(|cover| cover.funded_in(chosen))
    }

    /// The part of a selection the model can represent: projects with their own variable in
    /// the chosen year, and for each covered criterion the cheapest cover fully selected.
    pub fn normalize(&self, chosen: &BTreeMap<usize, u16>) -> BTreeMap<usize, u16> {
        let members: BTreeSet<usize> = self.covers.iter().flat_map(Cover::projects).collect();
        let mut out: BTreeMap<usize, u16> = chosen
            .iter()
            .filter(|(p, t)| !members.contains(p) && self.x[**p].iter().any(|(year, _)| year == *t))
            .map(|(p, t)| (*p, *t))
            .collect();
        for list in self.covers_of.values() {
            if let Some(cover) = self.chosen_cover(list, chosen) {
                for p in cover.projects() {
                    out.insert(p, chosen[&p]);
                }
            }
        }
        out
    }
}

impl Formulation {
    /// Values of every variable for a selection and its funding: indicators as high as the
    /// selection allows (counted by `outcome::apply_projects` and `evaluate`), shortfalls as
    /// what is left.
    pub fn values_for(
        &self,
        scenario: &Scenario,
        chosen: &BTreeMap<usize, u16>,
        funding: &Funding,
    ) -> Vec<f64> {
        let mut values = vec![0.0; self.model.vars.len()];
        for (p, list) in self.x.iter().enumerate() {
            for (t, v) in list {
                if chosen.get(&p) == Some(t) {
                    values[v.0] = 1.0;
                }
            }
        }
        for list in self.covers_of.values() {
            if let Some(cover) = self.chosen_cover(list, chosen) {
                values[cover.var.0] = 1.0;
            }
        }
        let node_years: BTreeSet<u16> = self
            .nodes
            .keys()
            .map(|(_, _, t)| *t)
            .chain(self.at_least.keys().map(|(_, _, t)| *t))
            .collect();
        for t in node_years {
            let funded = chosen
                .iter()
                .filter(|(_, year)| **year <= t)
                .map(|(p, _)| &scenario.projects[*p]);
            let after = apply_projects(&scenario.communes, funded);
            let evaluation = evaluate_communes(&scenario.catalog, &after, None);
            for (&(c, node, year), v) in &self.nodes {
                if year != t {
                    continue;
                }
                let status = &evaluation.per_commune[c];
                let on = match node {
                    Node::Criterion(k) => status.met.contains(k),
                    Node::Tier(tier) => status.tier.is_some_and(|r| r >= tier),
                };
                values[v.0] = f64::from(u8::from(on));
            }
            for (&(c, m, year), v) in &self.at_least {
                if year == t {
                    let on = evaluation.per_commune[c].criteria_met >= u32::from(m);
                    values[v.0] = f64::from(u8::from(on));
                }
            }
        }
        for fv in &self.f {
            values[fv.var.0] = funding
                .amounts
                .get(&(fv.group, fv.source, fv.year))
                .copied()
                .unwrap_or(0.0);
        }
        for (s, t, v) in &self.extra {
            values[v.0] = funding.extra.get(&(*s, *t)).copied().unwrap_or(0.0);
        }
        for r in &self.requirements {
            if let Some(u) = r.shortfall {
                let have: f64 = r.terms.iter().map(|v| values[v.0]).sum();
                values[u.0] = (r.need - have).max(0.0);
            }
        }
        values
    }
}

/// The minimal sets of `open` (project, gain, years) whose gains add up to 1 (and would not
/// without any one member), each member with its years.
fn minimal_covers(open: &[(usize, f64, Vec<u16>)]) -> Vec<Vec<(usize, Vec<u16>)>> {
    let mut out = Vec::new();
    for mask in 1u32..(1u32 << open.len()) {
        let members: Vec<&(usize, f64, Vec<u16>)> = (0..open.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| &open[i])
            .collect();
        let sum: f64 = members.iter().map(|(_, g, _)| g).sum();
        let least = members
            .iter()
            .map(|(_, g, _)| *g)
            .fold(f64::INFINITY, f64::min);
        if sum < 1.0 - 1e-9 || sum - least >= 1.0 - 1e-9 {
            continue;
        }
        out.push(
            members
                .into_iter()
                .map(|(p, _, years)| (*p, years.clone()))
                .collect(),
        );
    }
    out
}

/// The covers of one (commune, criterion), with what their rows need.
struct ChosenCovers<'a> {
    /// Indices into `covers`, cheapest first.
    list: &'a [usize],
    covers: &'a [Cover],
    /// Year variables per project (flexible members have them).
    x: &'a [Vec<(u16, Var)>],
    /// Candidate projects of the criterion and their gains.
    gains: &'a [(usize, f64)],
}

/// Rows of a covered criterion `y` (variable `v`) at the end of year `t`:
/// `y ≤ Σ o_v` over the covers ready by `t` (only the chosen cover's members are ever funded),
/// and, when a member of such a cover may also be funded after `t`, the gains funded by `t`:
/// `y ≤ Σ_p g_p · (funded by t)`, a one-year member counted through the covers it is in.
fn cover_rows(model: &mut Model, name: &str, v: Var, t: u16, of: &ChosenCovers) {
    let covers: Vec<&Cover> = of.list.iter().map(|i| &of.covers[*i]).collect();
    let ready: Vec<&&Cover> = covers.iter().filter(|cv| cv.ready <= t).collect();
    let mut terms = vec![(v, 1.0)];
    terms.extend(ready.iter().map(|cv| (cv.var, -1.0)));
    model.row(format!("gain_{name}"), terms, f64::NEG_INFINITY, 0.0);
    let late = ready
        .iter()
        .flat_map(|cv| &cv.members)
        .any(|(_, years)| years.iter().any(|y| *y > t));
    if !late {
        return;
    }
    let mut terms = vec![(v, 1.0)];
    for (p, g) in of.gains {
        let gain = g.min(1.0);
        for (year, xv) in &of.x[*p] {
            if *year <= t {
                terms.push((*xv, -gain));
            }
        }
        // A member with one year, funded by t whenever a cover holding it is chosen.
        for cv in &covers {
            if cv
                .members
                .iter()
                .any(|(q, years)| q == p && years.len() == 1 && years[0] <= t)
            {
                terms.push((cv.var, -gain));
            }
        }
    }
    model.row(format!("gains_{name}"), terms, f64::NEG_INFINITY, 0.0);
}

/// An LP-file-safe name: letters, digits and `_`.
pub(crate) fn lp_name(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_target_needs_the_least_total_that_rounds_up_to_it() {
        // 13.9 × 94 = 1306.6: 1306/94 = 13.893… rounds to 13.89, 1307/94 = 13.904… → 13.90.
        assert_eq!(least_total_for_average(Decimal::new(139, 1), 94), 1307);
        // 16.38 × 13 = 212.94: 213/13 = 16.3846 → 16.38.
        assert_eq!(least_total_for_average(Decimal::new(1638, 2), 13), 213);
    }

    #[test]
    fn targets_after_the_plan_are_checked_in_the_last_year() {
        assert_eq!(year_of_target(&[2021, 2022], 2025), 2022);
        assert_eq!(year_of_target(&[2021, 2022], 2020), 2021);
        assert_eq!(lp_name("Bản Bo-1"), "B_n_Bo_1");
    }
}
