//! The formulation (mô hình toán): builds the mixed-integer model of `docs/model.md` from a
//! scenario, section by section. Reductions happen here: criteria already met or out of reach
//! become constants, only criteria that a target or the objective needs get variables, only
//! projects that touch such a criterion get selection variables, and funding is one variable per
//! (eligible-source group, source, year) rather than per project.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::funding::{budget_rows, Funding, Group};
pub(crate) use super::model::{lp_name, MONEY_SCALE};
use super::model::{Model, Sense, Var};
use crate::catalog::{CommuneGroup, Node, TierId};
use crate::closing;
use crate::error::{Error, Result};
use crate::evaluate::evaluate_communes;
use crate::outcome::{apply_projects, cumulative_band_target};
use crate::scenario::{Must, Scenario, TargetKind};

/// What a requirement counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Measure {
    /// Communes meeting a criterion.
    Criterion(u8),
    /// Communes meeting a criterion of the advanced set (tiêu chí nâng cao), raised by the
    /// projects' advanced-level gains (`a2:0.5`).
    Advanced(u8),
    /// Communes at a tier or higher.
    Tier(TierId),
    /// Communes with at least this many criteria.
    AtLeast(u8),
    /// Criteria met over all communes.
    TotalCriteria,
    /// Communes meeting an indicator of `criterion` (số xã đạt chỉ tiêu …): read per commune by
    /// [`Requirement::at`], as met or as that criterion.
    Indicator { criterion: u8, indicator: String },
}

/// What one commune is for a requirement ([`Requirement::at`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum At {
    /// Not counted (another group's commune).
    Skip,
    /// Counted, and already met whatever is funded (an indicator met at baseline).
    Met,
    /// Counted by this measure (never `Indicator`).
    Count(Measure),
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
    /// Only this group's communes count (a group target: số xã nhóm 2 đạt …).
    pub group: Option<CommuneGroup>,
}

impl Requirement {
    /// What commune `c` is for this requirement: skipped when it is not of the requirement's
    /// group ([`crate::scenario::counts_toward`]); for an indicator, met when its baseline value
    /// meets it, else counted as its criterion
    /// ([`crate::scenario::Commune::meets_indicator`]). Every row, bound and greedy count of a
    /// requirement reads its communes through this.
    pub fn at(&self, scenario: &Scenario, c: usize) -> At {
        let commune = &scenario.communes[c];
        if !crate::scenario::counts_toward(self.group, commune) {
            return At::Skip;
        }
        match &self.measure {
            Measure::Indicator {
                criterion,
                indicator,
            } => {
                if commune.meets_indicator(indicator, false) {
                    At::Met
                } else {
                    At::Count(Measure::Criterion(*criterion))
                }
            }
            m => At::Count(m.clone()),
        }
    }
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
    /// Criteria of the advanced set: (commune, criterion, year) → var.
    pub advanced: BTreeMap<(usize, u8, u16), Var>,
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
                // Raised by the projects' advanced-level gains; a target no project raises is
                // capped at what the communes have (`plan::reachable`).
                TargetKind::LevelCriterion { criterion, .. } => {
                    (Measure::Advanced(*criterion), ceil_count(t.value))
                }
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
                TargetKind::Indicator { indicator } => (
                    Measure::Indicator {
                        criterion: scenario
                            .catalog
                            .indicator(indicator)
                            .map_or(0, |i| i.criterion),
                        indicator: indicator.clone(),
                    },
                    ceil_count(t.value),
                ),
            };
            Requirement {
                year,
                measure,
                at_least,
                group: t.group,
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

/// What is known before any variable exists (docs/model.md, "Reductions before any variable
/// exists"): the years each project may be funded in, the candidate projects of each
/// (commune, criterion), each node's known value, and the open nodes the model needs.
struct Reductions {
    /// Planning years, ascending.
    years: Vec<u16>,
    /// The last planning year (the objective's).
    last: u16,
    /// Dependency nodes in topological order, with their gates.
    order: Vec<Node>,
    gates: BTreeMap<Node, Vec<Node>>,
    criteria: Vec<u8>,
    /// Per project: the planning years it may be funded in.
    windows: Vec<Vec<u16>>,
    /// Candidate projects per (commune, criterion), with their gains.
    candidates: BTreeMap<(usize, u8), Vec<(usize, f64)>>,
    /// Candidate projects per (commune, criterion of the advanced set), with their gains.
    advanced_candidates: BTreeMap<(usize, u8), Vec<(usize, f64)>>,
    /// Open criteria of the advanced set a requirement or an advanced tier needs:
    /// (commune, criterion, year).
    needed_advanced: BTreeSet<(usize, u8, u16)>,
    /// Years in which node values matter (requirements' years and the last).
    node_years: BTreeSet<u16>,
    /// Known value of every (commune, node, year).
    state: BTreeMap<(usize, Node, u16), State>,
    /// Open nodes a requirement or the objective needs.
    needed: BTreeSet<(usize, Node, u16)>,
    /// "At least m criteria" indicators needed: (commune, m, year).
    need_at_least: BTreeSet<(usize, u8, u16)>,
}

impl Reductions {
    fn analyse(
        scenario: &Scenario,
        goal: Goal,
        requirements: &[Requirement],
    ) -> Result<Reductions> {
        let years = planning_years(scenario)?;
        let last = *years.last().unwrap_or(&0);
        let graph = scenario.catalog.graph();
        let order: Vec<Node> = graph.order().to_vec();
        let gates = order.iter().map(|n| (*n, graph.gates_of(*n))).collect();
        let windows = project_windows(scenario, &years)?;
        let mut node_years: BTreeSet<u16> = requirements.iter().map(|r| r.year).collect();
        node_years.insert(last);
        let mut reductions = Reductions {
            candidates: candidates_of(scenario, &windows, TierId::Standard),
            advanced_candidates: candidates_of(scenario, &windows, TierId::Advanced),
            needed_advanced: BTreeSet::new(),
            criteria: scenario.catalog.criteria.iter().map(|c| c.id).collect(),
            years,
            last,
            order,
            gates,
            windows,
            node_years,
            state: BTreeMap::new(),
            needed: BTreeSet::new(),
            need_at_least: BTreeSet::new(),
        };
        reductions.known_nodes(scenario);
        reductions.needed_nodes(scenario, goal, requirements);
        Ok(reductions)
    }

    fn earliest(&self, p: usize) -> u16 {
        self.windows[p].first().copied().unwrap_or(u16::MAX)
    }

    fn known(&self, c: usize, node: Node, t: u16) -> Option<State> {
        self.state.get(&(c, node, t)).copied()
    }

    /// Whether the gains of `list` funded by the end of year `t` can add up to a whole gap.
    fn reaches(&self, list: Option<&Vec<(usize, f64)>>, t: u16) -> bool {
        let reach: f64 = list
            .into_iter()
            .flatten()
            .filter(|(p, _)| self.earliest(*p) <= t)
            .map(|(_, g)| g)
            .sum();
        reach >= 1.0 - 1e-9
    }

    /// Known value of criterion `k` of the advanced set in commune `c` at the end of year `t`:
    /// met at baseline, open when its advanced-level candidates can close it, else not met.
    fn advanced_state(&self, scenario: &Scenario, c: usize, k: u8, t: u16) -> State {
        if scenario.communes[c].advanced_met.contains(k) {
            State::Yes
        } else if self.reaches(self.advanced_candidates.get(&(c, k)), t) {
            State::Open
        } else {
            State::No
        }
    }

    /// Criteria of the advanced set commune `c` lacks at baseline (the advanced tier's own
    /// condition is every one of them).
    fn advanced_missing(&self, scenario: &Scenario, c: usize) -> Vec<u8> {
        self.criteria
            .iter()
            .copied()
            .filter(|k| !scenario.communes[c].advanced_met.contains(*k))
            .collect()
    }

    fn need_advanced(&mut self, scenario: &Scenario, c: usize, k: u8, t: u16) {
        if self.advanced_state(scenario, c, k, t) == State::Open {
            self.needed_advanced.insert((c, k, t));
        }
    }

    /// Criteria of commune `c` known met and open at the end of year `t`.
    fn counts_of(&self, c: usize, t: u16) -> (usize, usize) {
        let count = |s: State| {
            self.criteria
                .iter()
                .filter(|k| self.known(c, Node::Criterion(**k), t) == Some(s))
                .count()
        };
        (count(State::Yes), count(State::Open))
    }

    /// The last year any needed node is counted in: no project is funded later.
    fn max_needed_year(&self) -> u16 {
        self.needed.iter().map(|(_, _, t)| *t).max().unwrap_or(0)
    }

    /// Reduction 1: a criterion met at baseline is 1; one whose candidate gains funded by that
    /// year add up to less than 1 is 0; tiers by their own conditions; gates pass 0 on.
    fn known_nodes(&mut self, scenario: &Scenario) {
        for (c, commune) in scenario.communes.iter().enumerate() {
            for &t in &self.node_years {
                for node in &self.order {
                    let own = match node {
                        Node::Criterion(k) if commune.met.contains(*k) => State::Yes,
                        Node::Criterion(k) => {
                            if self.reaches(self.candidates.get(&(c, *k)), t) {
                                State::Open
                            } else {
                                State::No
                            }
                        }
                        Node::Tier(TierId::Standard) => State::Yes,
                        // Every criterion of the advanced set: open when each one missing has
                        // advanced-level candidates that can close it.
                        Node::Tier(TierId::Advanced) => self
                            .advanced_missing(scenario, c)
                            .iter()
                            .map(|k| self.advanced_state(scenario, c, *k, t))
                            .fold(State::Yes, |s, k| match (s, k) {
                                (State::No, _) | (_, State::No) => State::No,
                                (State::Open, _) | (_, State::Open) => State::Open,
                                _ => State::Yes,
                            }),
                        Node::Tier(TierId::Model) => {
                            if commune.model_conditions {
                                State::Yes
                            } else {
                                State::No
                            }
                        }
                    };
                    let mut s = own;
                    for g in &self.gates[node] {
                        match self.state.get(&(c, *g, t)).copied().unwrap_or(State::No) {
                            State::No => s = State::No,
                            State::Open if s == State::Yes => s = State::Open,
                            _ => {}
                        }
                    }
                    self.state.insert((c, *node, t), s);
                }
            }
        }
    }

    fn need(&mut self, c: usize, node: Node, t: u16) {
        if self.known(c, node, t) == Some(State::Open) {
            self.needed.insert((c, node, t));
        }
    }

    fn need_criteria(&mut self, c: usize, t: u16) {
        for k in self.criteria.clone() {
            self.need(c, Node::Criterion(k), t);
        }
    }

    /// Reduction 2: the open nodes a requirement or the objective needs, directly, through an
    /// "at least m criteria" indicator, or as a gate of a needed node.
    fn needed_nodes(&mut self, scenario: &Scenario, goal: Goal, requirements: &[Requirement]) {
        let n = scenario.communes.len();
        for r in requirements {
            for c in 0..n {
                let At::Count(measure) = r.at(scenario, c) else {
                    continue;
                };
                match &measure {
                    Measure::Criterion(k) => self.need(c, Node::Criterion(*k), r.year),
                    Measure::Advanced(k) => self.need_advanced(scenario, c, *k, r.year),
                    Measure::Tier(tier) => self.need(c, Node::Tier(*tier), r.year),
                    Measure::AtLeast(m) => {
                        let (yes, open) = self.counts_of(c, r.year);
                        if yes < usize::from(*m) && yes + open >= usize::from(*m) {
                            self.need_at_least.insert((c, *m, r.year));
                            self.need_criteria(c, r.year);
                        }
                    }
                    Measure::TotalCriteria => self.need_criteria(c, r.year),
                    Measure::Indicator { .. } => {} // read as its criterion by `at`
                }
            }
        }
        for c in 0..n {
            match goal {
                Goal::MaxStandard => self.need(c, Node::Tier(TierId::Standard), self.last),
                Goal::MaxCriteria => self.need_criteria(c, self.last),
                _ => {}
            }
        }
        // Gates of needed nodes are needed (reverse topological order).
        for t in self.node_years.clone() {
            for c in 0..n {
                for node in self.order.clone().iter().rev() {
                    if self.needed.contains(&(c, *node, t)) {
                        for g in self.gates[node].clone() {
                            self.need(c, g, t);
                        }
                    }
                }
                // An open advanced tier needs the advanced criteria it lacks.
                if self.needed.contains(&(c, Node::Tier(TierId::Advanced), t)) {
                    for k in self.advanced_missing(scenario, c) {
                        self.need_advanced(scenario, c, k, t);
                    }
                }
            }
        }
    }

    /// Reduction 3: whether project `p` touches a needed criterion (in a year it can count).
    fn touches_needed(&self, scenario: &Scenario, p: usize) -> bool {
        let proj = &scenario.projects[p];
        proj.gains.iter().any(|g| {
            self.node_years.iter().any(|t| {
                *t >= self.earliest(p)
                    && if g.is_standard() {
                        self.needed
                            .contains(&(proj.commune, Node::Criterion(g.criterion), *t))
                    } else {
                        self.needed_advanced
                            .contains(&(proj.commune, g.criterion, *t))
                    }
            })
        })
    }

    /// Reduction 4: needed criteria closed only by single-criterion projects (at most
    /// `MAX_COVER_CANDIDATES`, none with `must`): these get covers.
    fn cover_pairs(&self, scenario: &Scenario) -> BTreeSet<(usize, u8)> {
        let mut pairs = BTreeSet::new();
        for &(c, node, _) in &self.needed {
            if let Node::Criterion(k) = node {
                let list = self.candidates.get(&(c, k)).map_or(&[][..], Vec::as_slice);
                let simple = !list.is_empty()
                    && list.len() <= MAX_COVER_CANDIDATES
                    && list.iter().all(|(p, _)| {
                        scenario.projects[*p].gains.len() == 1
                            && scenario.projects[*p].gains[0].is_standard()
                            && scenario.projects[*p].must.is_none()
                    });
                if simple {
                    pairs.insert((c, k));
                }
            }
        }
        pairs
    }
}

/// The years each project may be funded in (none for `must = skip`); a `must = fund` project
/// with no planning year is an input error.
fn project_windows(scenario: &Scenario, years: &[u16]) -> Result<Vec<Vec<u16>>> {
    let mut windows = Vec::with_capacity(scenario.projects.len());
    for p in &scenario.projects {
        let w: Vec<u16> = if p.must == Some(Must::Skip) {
            Vec::new()
        } else {
            years.iter().copied().filter(|y| p.open_in(*y)).collect()
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
    Ok(windows)
}

/// Candidate projects per (commune, criterion of the `level` set), with their gains.
fn candidates_of(
    scenario: &Scenario,
    windows: &[Vec<u16>],
    level: TierId,
) -> BTreeMap<(usize, u8), Vec<(usize, f64)>> {
    let mut candidates: BTreeMap<(usize, u8), Vec<(usize, f64)>> = BTreeMap::new();
    for (i, p) in scenario.projects.iter().enumerate() {
        if windows[i].is_empty() {
            continue;
        }
        for g in p.gains.iter().filter(|g| g.level == level) {
            candidates
                .entry((p.commune, g.criterion))
                .or_default()
                .push((i, g.fraction.to_f64().unwrap_or(0.0)));
        }
    }
    candidates
}

/// Reduction 5: projects whose categories have the same set of eligible sources form a group.
fn eligible_groups(scenario: &Scenario) -> (Vec<Group>, Vec<usize>) {
    let mut group_index: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of = vec![usize::MAX; scenario.projects.len()];
    for (p, proj) in scenario.projects.iter().enumerate() {
        let eligible: Vec<usize> = scenario
            .capital_sources
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
    (groups, group_of)
}

/// The model as it is built, stage by stage (docs/model.md: variables, constraints,
/// objectives).
struct Builder<'a> {
    scenario: &'a Scenario,
    goal: Goal,
    r: Reductions,
    model: Model,
    groups: Vec<Group>,
    group_of: Vec<usize>,
    covers: Vec<Cover>,
    covers_of: BTreeMap<(usize, u8), Vec<usize>>,
    /// Flexible cover members → the variables of the covers they belong to.
    flexible_links: BTreeMap<usize, Vec<Var>>,
    cover_pairs: BTreeSet<(usize, u8)>,
    x: Vec<Vec<(u16, Var)>>,
    nodes: BTreeMap<(usize, Node, u16), Var>,
    advanced: BTreeMap<(usize, u8, u16), Var>,
    at_least: BTreeMap<(usize, u8, u16), Var>,
    f: Vec<FundVar>,
    extra: Vec<(usize, u16, Var)>,
    requirements: Vec<RequirementRow>,
}

impl Builder<'_> {
    fn cost(&self, p: usize) -> f64 {
        self.scenario.projects[p].cost.to_f64().unwrap_or(0.0) * MONEY_SCALE
    }

    fn commune_name(&self, c: usize) -> String {
        lp_name(&self.scenario.communes[c].id)
    }

    /// Covers of every cover pair (docs/model.md, reduction 4), one binary each; at most one
    /// per criterion.
    fn covers(&mut self) {
        let max_needed_year = self.r.max_needed_year();
        for (c, k) in self.cover_pairs.clone() {
            let open: Vec<(usize, f64, Vec<u16>)> = self.r.candidates[&(c, k)]
                .iter()
                .map(|(p, g)| {
                    let years: Vec<u16> = self.r.windows[*p]
                        .iter()
                        .copied()
                        .filter(|t| *t <= max_needed_year)
                        .collect();
                    (*p, *g, years)
                })
                .filter(|(_, _, w)| !w.is_empty())
                .collect();
            let mut found: Vec<Cover> = minimal_covers(&open)
                .into_iter()
                .map(|members| {
                    let mut fixed: BTreeMap<(usize, u16), f64> = BTreeMap::new();
                    for (p, years) in &members {
                        if let [t] = years[..] {
                            *fixed.entry((self.group_of[*p], t)).or_default() += self.cost(*p);
                        }
                    }
                    Cover {
                        total: members.iter().map(|(p, _)| self.cost(*p)).sum(),
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
                    self.commune_name(c),
                    self.covers_of.get(&(c, k)).map_or(0, Vec::len)
                );
                cover.var = self.model.binary(name);
                once.push((cover.var, 1.0));
                for (p, years) in &cover.members {
                    if years.len() > 1 {
                        self.flexible_links.entry(*p).or_default().push(cover.var);
                    }
                }
                self.covers_of
                    .entry((c, k))
                    .or_default()
                    .push(self.covers.len());
                self.covers.push(cover);
            }
            if once.len() > 1 {
                let name = format!("cover_once{c}_{}_c{k}", self.commune_name(c));
                self.model.row(name, once, 0.0, 1.0);
            }
        }
    }

    /// `x_pt` for the relevant projects (reduction 3) outside covers and for flexible cover
    /// members: each funded at most once (`must = fund`: exactly once; a flexible member: once
    /// exactly when one of its covers is chosen).
    fn projects(&mut self) {
        let max_needed_year = self.r.max_needed_year();
        let scenario = self.scenario;
        for (p, proj) in scenario.projects.iter().enumerate() {
            let must = proj.must == Some(Must::Fund);
            let links = self.flexible_links.get(&p).cloned();
            let in_cover_pair = proj.gains.len() == 1
                && proj.gains[0].is_standard()
                && self
                    .cover_pairs
                    .contains(&(proj.commune, proj.gains[0].criterion));
            if !must && links.is_none() && (!self.r.touches_needed(scenario, p) || in_cover_pair) {
                continue;
            }
            let name = lp_name(&proj.id);
            for &t in &self.r.windows[p] {
                if must || t <= max_needed_year {
                    let v = self.model.binary(format!("x{p}_{name}_{t}"));
                    self.x[p].push((t, v));
                }
            }
            let mut terms: Vec<(Var, f64)> = self.x[p].iter().map(|(_, v)| (*v, 1.0)).collect();
            if must {
                self.model.row(format!("must{p}_{name}"), terms, 1.0, 1.0);
            } else if let Some(links) = links {
                terms.extend(links.iter().map(|o| (*o, -1.0)));
                self.model.row(format!("link{p}_{name}"), terms, 0.0, 0.0);
            } else if terms.len() > 1 {
                self.model.row(format!("once{p}_{name}"), terms, 0.0, 1.0);
            }
        }
    }

    /// Indicators of the needed criteria of the advanced set, each with its gain row: gains
    /// funded by the end of year `t` close it (`a ≤ Σ gain · x`).
    fn advanced_indicators(&mut self) {
        for &(c, k, t) in &self.r.needed_advanced {
            let name = format!("{c}_{}_a{k}_{t}", self.commune_name(c));
            let v = self.model.binary(format!("m_{name}"));
            let mut terms = vec![(v, 1.0)];
            for (p, g) in self
                .r
                .advanced_candidates
                .get(&(c, k))
                .into_iter()
                .flatten()
            {
                for (year, xv) in &self.x[*p] {
                    if *year <= t {
                        terms.push((*xv, -g.min(1.0)));
                    }
                }
            }
            self.model
                .row(format!("gain_{name}"), terms, f64::NEG_INFINITY, 0.0);
            self.advanced.insert((c, k, t), v);
        }
    }

    /// Criterion and tier indicators of the needed nodes, with their gain rows (status carried
    /// forward) and gate rows.
    fn indicators(&mut self) {
        for &(c, node, t) in &self.r.needed {
            let name = format!("m_{c}_{}_{}_{t}", self.commune_name(c), node.label());
            self.nodes.insert((c, node, t), self.model.binary(name));
        }
        let n = self.scenario.communes.len();
        let order = self.r.order.clone();
        for t in self.r.node_years.clone() {
            for c in 0..n {
                for node in &order {
                    let Some(&v) = self.nodes.get(&(c, *node, t)) else {
                        continue;
                    };
                    let name = format!("{c}_{}_{}_{t}", self.commune_name(c), node.label());
                    if let Node::Criterion(k) = node {
                        if !self.scenario.communes[c].met.contains(*k) {
                            self.gain_rows(&name, v, c, *k, t);
                        }
                    }
                    if *node == Node::Tier(TierId::Advanced) {
                        // At advanced only with every advanced criterion it lacks.
                        for k in self.r.advanced_missing(self.scenario, c) {
                            if let Some(&a) = self.advanced.get(&(c, k, t)) {
                                self.model.row(
                                    format!("tier_{name}_a{k}"),
                                    vec![(v, 1.0), (a, -1.0)],
                                    f64::NEG_INFINITY,
                                    0.0,
                                );
                            }
                        }
                    }
                    for g in &self.r.gates[node] {
                        if let Some(&gv) = self.nodes.get(&(c, *g, t)) {
                            self.model.row(
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
    }

    /// Gains funded by the end of year `t` close criterion `k` of commune `c` (indicator `v`).
    fn gain_rows(&mut self, name: &str, v: Var, c: usize, k: u8, t: u16) {
        let gains = self
            .r
            .candidates
            .get(&(c, k))
            .map_or(&[][..], Vec::as_slice);
        if let Some(list) = self.covers_of.get(&(c, k)) {
            let chosen = ChosenCovers {
                list,
                covers: &self.covers,
                x: &self.x,
                gains,
            };
            cover_rows(&mut self.model, name, v, t, &chosen);
        } else {
            // y ≤ Σ gain · x over the years up to t.
            let mut terms = vec![(v, 1.0)];
            for (p, g) in gains {
                for (year, xv) in &self.x[*p] {
                    if *year <= t {
                        terms.push((*xv, -g.min(1.0)));
                    }
                }
            }
            self.model
                .row(format!("gain_{name}"), terms, f64::NEG_INFINITY, 0.0);
        }
    }

    /// "At least m criteria": `(m − known met) · w ≤ Σ open criteria met`.
    fn at_least_rows(&mut self) {
        for &(c, m, t) in &self.r.need_at_least {
            let (yes, _) = self.r.counts_of(c, t);
            let name = format!("{c}_{}_{m}_{t}", self.commune_name(c));
            let w = self.model.binary(format!("w_{name}"));
            let mut terms = vec![(w, (usize::from(m) - yes) as f64)];
            for k in &self.r.criteria {
                if let Some(&y) = self.nodes.get(&(c, Node::Criterion(*k), t)) {
                    terms.push((y, -1.0));
                }
            }
            self.model
                .row(format!("atleast_{name}"), terms, f64::NEG_INFINITY, 0.0);
            self.at_least.insert((c, m, t), w);
        }
    }

    /// Money per (eligible-source group, source, year), each group's money equal to what its
    /// funded projects and covers cost, then the budget and counterpart rows of each year.
    fn funding(&mut self) {
        let scenario = self.scenario;
        let sources = &scenario.capital_sources;
        let budget =
            |s: usize, t: u16| sources[s].budget_in(t).to_f64().unwrap_or(0.0) * MONEY_SCALE;
        for t in self.r.years.clone() {
            for gi in 0..self.groups.len() {
                let mut members: Vec<(Var, f64)> = (0..scenario.projects.len())
                    .filter(|p| self.group_of[*p] == gi)
                    .flat_map(|p| {
                        let cost = self.cost(p);
                        self.x[p]
                            .iter()
                            .filter(|(year, _)| *year == t)
                            .map(move |(_, v)| (*v, cost))
                    })
                    .collect();
                members.extend(
                    self.covers
                        .iter()
                        .filter_map(|cv| cv.fixed.get(&(gi, t)).map(|cost| (cv.var, *cost))),
                );
                if members.is_empty() {
                    continue;
                }
                let total: f64 = members.iter().map(|(_, c)| c).sum();
                let mut terms: Vec<(Var, f64)> = Vec::new();
                for s in self.groups[gi].sources.clone() {
                    let hi = if self.goal == Goal::MinExtra {
                        total
                    } else {
                        total.min(budget(s, t))
                    };
                    if hi <= 0.0 {
                        continue;
                    }
                    let v = self.model.var(
                        format!("f_g{gi}_s{s}_{}_{t}", lp_name(&sources[s].id)),
                        0.0,
                        hi,
                        false,
                    );
                    if (self.goal == Goal::MinCost && sources[s].kind.is_state_budget())
                        || self.goal == Goal::MinTotal
                    {
                        self.model.add_obj(v, 1.0);
                    }
                    terms.push((v, 1.0));
                    self.f.push(FundVar {
                        group: gi,
                        source: s,
                        year: t,
                        var: v,
                    });
                }
                terms.extend(members.iter().map(|(v, c)| (*v, -c)));
                self.model.row(format!("fund_g{gi}_{t}"), terms, 0.0, 0.0);
            }
            let funds: Vec<(usize, Var)> = self
                .f
                .iter()
                .filter(|fv| fv.year == t)
                .map(|fv| (fv.source, fv.var))
                .collect();
            let extra_cost = (self.goal == Goal::MinExtra).then_some(1.0);
            let extra = budget_rows(&mut self.model, scenario, t, &funds, &budget, extra_cost);
            self.extra.extend(extra);
        }
    }

    /// Each requirement's row, `Σ indicators (+ u_r) ≥ need`, with what is known counted.
    fn requirement_rows(&mut self, requirements: &[Requirement]) {
        let n = self.scenario.communes.len();
        for (r, req) in requirements.iter().enumerate() {
            let mut terms = Vec::new();
            let mut have = 0i64;
            let t = req.year;
            for c in 0..n {
                let measure = match req.at(self.scenario, c) {
                    At::Skip => continue,
                    At::Met => {
                        have += 1;
                        continue;
                    }
                    At::Count(m) => m,
                };
                match &measure {
                    Measure::Criterion(k) => match self.r.known(c, Node::Criterion(*k), t) {
                        Some(State::Yes) => have += 1,
                        _ => terms.extend(self.nodes.get(&(c, Node::Criterion(*k), t))),
                    },
                    Measure::Tier(tier) => match self.r.known(c, Node::Tier(*tier), t) {
                        Some(State::Yes) => have += 1,
                        _ => terms.extend(self.nodes.get(&(c, Node::Tier(*tier), t))),
                    },
                    Measure::Advanced(k) => {
                        if self.scenario.communes[c].advanced_met.contains(*k) {
                            have += 1;
                        } else {
                            terms.extend(self.advanced.get(&(c, *k, t)));
                        }
                    }
                    Measure::AtLeast(m) => {
                        let (yes, _) = self.r.counts_of(c, t);
                        if yes >= usize::from(*m) {
                            have += 1;
                        } else {
                            terms.extend(self.at_least.get(&(c, *m, t)));
                        }
                    }
                    Measure::TotalCriteria => {
                        let (yes, _) = self.r.counts_of(c, t);
                        have += yes as i64;
                        for k in &self.r.criteria {
                            terms.extend(self.nodes.get(&(c, Node::Criterion(*k), t)));
                        }
                    }
                    Measure::Indicator { .. } => {} // read as its criterion by `at`
                }
            }
            let need = (req.at_least - have) as f64;
            let shortfall = if self.goal == Goal::MinShortfall && need > 0.0 {
                let u = self.model.var(format!("short_{r}"), 0.0, need, true);
                self.model.add_obj(u, 1.0);
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
                    let zero = self.model.var(format!("unreachable_{r}"), 0.0, 0.0, false);
                    row.push((zero, 1.0));
                }
                self.model
                    .row(format!("target_{r}"), row, need, f64::INFINITY);
            }
            self.requirements.push(RequirementRow {
                terms,
                need,
                shortfall,
            });
        }
    }

    /// The counting objectives (money objectives were set with the funding variables), with
    /// what is known as the constant.
    fn objective(&mut self) {
        let last = self.r.last;
        for (&(_, node, t), &v) in &self.nodes {
            match (self.goal, node) {
                (Goal::MaxStandard, Node::Tier(TierId::Standard))
                | (Goal::MaxCriteria, Node::Criterion(_))
                    if t == last =>
                {
                    self.model.add_obj(v, 1.0)
                }
                _ => {}
            }
        }
        let n = self.scenario.communes.len();
        self.model.obj_constant = match self.goal {
            Goal::MaxStandard => (0..n)
                .filter(|c| {
                    self.r.known(*c, Node::Tier(TierId::Standard), last) == Some(State::Yes)
                })
                .count() as f64,
            Goal::MaxCriteria => (0..n).map(|c| self.r.counts_of(c, last).0).sum::<usize>() as f64,
            _ => 0.0,
        };
    }
}

impl Formulation {
    /// Builds the model for `goal` with `requirements` (hard unless the goal is
    /// `MinShortfall`), in the order of docs/model.md: reductions, then variables and rows
    /// stage by stage.
    pub fn build(
        scenario: &Scenario,
        goal: Goal,
        requirements: &[Requirement],
    ) -> Result<Formulation> {
        let r = Reductions::analyse(scenario, goal, requirements)?;
        let (groups, group_of) = eligible_groups(scenario);
        let sense = match goal {
            Goal::MaxStandard | Goal::MaxCriteria => Sense::Maximize,
            _ => Sense::Minimize,
        };
        let mut b = Builder {
            scenario,
            goal,
            cover_pairs: r.cover_pairs(scenario),
            x: vec![Vec::new(); scenario.projects.len()],
            r,
            model: Model::new(sense),
            groups,
            group_of,
            covers: Vec::new(),
            covers_of: BTreeMap::new(),
            flexible_links: BTreeMap::new(),
            nodes: BTreeMap::new(),
            advanced: BTreeMap::new(),
            at_least: BTreeMap::new(),
            f: Vec::new(),
            extra: Vec::new(),
            requirements: Vec::new(),
        };
        b.covers();
        b.projects();
        b.advanced_indicators();
        b.indicators();
        b.at_least_rows();
        b.funding();
        b.requirement_rows(requirements);
        b.objective();
        Ok(Formulation {
            model: b.model,
            goal,
            years: b.r.years,
            x: b.x,
            group_of: b.group_of,
            groups: b.groups,
            covers: b.covers,
            covers_of: b.covers_of,
            f: b.f,
            extra: b.extra,
            requirements: b.requirements,
            nodes: b.nodes,
            advanced: b.advanced,
            at_least: b.at_least,
        })
    }

    /// The commune of every variable (`None`: funding, extra money and shortfalls, which every
    /// commune shares): the blocks of the decomposition (`decompose`).
    pub fn blocks(&self, scenario: &Scenario) -> super::model::Blocks {
        let mut of = vec![None; self.model.vars.len()];
        for (p, years) in self.x.iter().enumerate() {
            for (_, v) in years {
                of[v.0] = Some(scenario.projects[p].commune);
            }
        }
        for cover in &self.covers {
            if let Some(p) = cover.projects().next() {
                of[cover.var.0] = Some(scenario.projects[p].commune);
            }
        }
        for (&(c, _, _), v) in &self.nodes {
            of[v.0] = Some(c);
        }
        for (&(c, _, _), v) in &self.at_least {
            of[v.0] = Some(c);
        }
        for (&(c, _, _), v) in &self.advanced {
            of[v.0] = Some(c);
        }
        super::model::Blocks { of }
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
            .chain(self.advanced.keys().map(|(_, _, t)| *t))
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
            for (&(c, k, year), v) in &self.advanced {
                if year == t {
                    values[v.0] = f64::from(u8::from(after[c].advanced_met.contains(k)));
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
/// without any one member), each member with its years ([`closing::minimal_covers`], with the
/// solver's 10⁻⁹ tolerance).
fn minimal_covers(open: &[(usize, f64, Vec<u16>)]) -> Vec<Vec<(usize, Vec<u16>)>> {
    let gains: Vec<f64> = open.iter().map(|(_, g, _)| *g).collect();
    closing::minimal_covers(&gains)
        .into_iter()
        .map(|set| {
            set.into_iter()
                .map(|i| (open[i].0, open[i].2.clone()))
                .collect()
        })
        .collect()
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
