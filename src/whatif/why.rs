//! Why a project is or is not in the plan (vì sao dự án được / không được chọn): `ntm plan
//! --why PROJECT`. The first of these that holds is the answer:
//!
//! 1. funded: by which sources, how much ([`Verdict::Funded`]);
//! 2. the scenario rules it out: `must = skip`, or its years miss the planning years;
//! 3. a cheaper project of the same commune closes on its own every criterion it brings closer
//!    ([`Verdict::Dominated`]), or what it brings is already there after the plan
//!    ([`Verdict::AlreadyMet`]): no money would bring it in, so this comes before the money;
//! 4. no capital source that may fund its category has the money left in its years
//!    ([`Verdict::NoEligibleMoney`]);
//! 5. its commune cannot reach the standard with the money left ([`Verdict::CommuneShort`]);
//! 6. otherwise, from the re-solves below: forced in, the plan keeps its objective within the
//!    budgets, so nothing the plan counts needs it ([`Verdict::NotNeeded`], the maximising
//!    objectives); or the extra money that would bring it in ([`Verdict::NeedsMoney`]).
//!
//! Whatever the answer, an unfunded project that could be funded is also priced by two
//! re-solves ([`super::resolve`], as `plan --marginal` re-solves) with the project forced in
//! (`must = fund`): the best plan within the budgets (what the objective loses), and the least
//! extra money beyond the budgets that keeps the objective and every target where the plan has
//! them.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::Serialize;

use super::{resolve, Ask};
use crate::catalog::TierId;
use crate::closing::{close_in_order, cost_per_gain_order};
use crate::error::{Error, Result};
use crate::outcome::apply_projects;
use crate::plan::{self, Objective, Plan, PlanOptions, PlanStatus};
use crate::scenario::{Commune, Must, Project, Scenario};

/// The answer for one project (lời giải thích).
#[derive(Debug, Clone, Serialize)]
pub struct Why {
    /// Scenario name.
    pub scenario: String,
    /// Present when the scenario's data is synthetic.
    pub synthetic: Option<String>,
    /// Project id.
    pub project: String,
    /// Commune id.
    pub commune: String,
    /// Commune name.
    pub commune_name: String,
    /// Category.
    pub category: String,
    /// Cost, million VND.
    pub cost: Decimal,
    /// Its gains as the projects file writes them (`c2:0.5`, `a2:1`).
    pub gains: Vec<String>,
    /// Whether the plan funds it.
    pub funded: bool,
    /// The answer.
    pub verdict: Verdict,
    /// The answer in words, Vietnamese first, English in brackets.
    pub reason: String,
    /// Sources that may fund its category, with their money in its years.
    pub sources: Vec<SourceMoney>,
    /// The re-solves with the project forced in (unfunded projects that could be funded).
    pub forced: Option<Forced>,
    /// The plan asked about: objective and status.
    pub plan_objective: Objective,
    /// The plan's objective value.
    pub plan_value: f64,
    /// The plan's status.
    pub plan_status: PlanStatus,
}

/// Why, as a closed list (kebab-case in the JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Verdict {
    /// In the plan, paid by these sources (source id → million VND; adds up to the cost).
    Funded {
        /// Year funded.
        year: u16,
        /// Amount per source.
        funding: BTreeMap<String, Decimal>,
    },
    /// The scenario says `must = skip`.
    Skipped,
    /// Its years `year_from`-`year_to` miss every planning year.
    OutsideYears,
    /// No source that may fund its category has money left in its years: together they have
    /// `left`, it costs more.
    NoEligibleMoney {
        /// Money left in the eligible sources, million VND.
        left: Decimal,
    },
    /// Its gains are already there after the plan (every criterion it raises is met).
    AlreadyMet,
    /// A cheaper project of the same commune closes on its own every criterion it brings
    /// closer, from the same sources and in its years.
    Dominated {
        /// The cheaper project.
        by: String,
        /// Its cost, million VND.
        cost: Decimal,
        /// Whether the plan funds it.
        funded: bool,
    },
    /// The commune is not at standard after the plan, and closing what it lacks costs more than
    /// the money left (or cannot be done with its projects at all: `cost` is `None`).
    CommuneShort {
        /// Criteria it lacks after the plan (standard set).
        lacking: Vec<u8>,
        /// The cheapest completion by cost per unit of gain, million VND.
        cost: Option<Decimal>,
        /// Money left in every source, million VND.
        left: Decimal,
    },
    /// Forced in, the plan keeps its objective and every target within the budgets: it is
    /// left out because nothing the plan counts needs it (another project already serves).
    NotNeeded,
    /// None of the above: it is left out for the money; see `forced` for how much.
    NeedsMoney,
}

/// A capital source that may fund the project, and its money in the project's years.
#[derive(Debug, Clone, Serialize)]
pub struct SourceMoney {
    /// Source id.
    pub id: String,
    /// Vietnamese name.
    pub name_vi: String,
    /// Budget in the project's planning years, million VND.
    pub budget: Decimal,
    /// Spent by the plan in those years.
    pub spent: Decimal,
    /// Left.
    pub left: Decimal,
}

/// The re-solves with the project forced in.
#[derive(Debug, Clone, Serialize)]
pub struct Forced {
    /// The best objective within the budgets with it funded; `None` when no plan with it meets
    /// the targets within the budgets.
    pub objective_with: Option<f64>,
    /// What the objective loses (communes or criteria for the maximising objectives, million
    /// VND of state spend for `min-cost`, where it is what the objective gains).
    pub objective_loss: Option<f64>,
    /// Least extra money beyond the budgets that funds it and keeps the objective and every
    /// target where the plan has them, million VND; `None` when no project list reaches them.
    pub extra_total: Option<Decimal>,
    /// The same per source.
    pub extra_by_source: BTreeMap<String, Decimal>,
    /// Whether both re-solves are proven.
    pub proven: bool,
}

/// Explains `project` (an id) in `plan`, a plan of `scenario` made with `options`.
pub fn why(scenario: &Scenario, options: &PlanOptions, plan: &Plan, project: &str) -> Result<Why> {
    let p = find_project(scenario, project)?;
    let proj = &scenario.projects[p];
    let chosen = plan::selection_of(scenario, plan);
    let years = open_years(scenario, proj);
    let sources = source_money(scenario, plan, proj, &years);
    let mut verdict = verdict(scenario, plan, &chosen, p, &years, &sources);
    let could_fund = !matches!(
        verdict,
        Verdict::Funded { .. } | Verdict::Skipped | Verdict::OutsideYears
    ) && !sources.is_empty();
    let forced = if could_fund {
        Some(forced(scenario, options, plan, p)?)
    } else {
        None
    };
    let keeps = forced.as_ref().is_some_and(|f| {
        plan.objective_kind != Objective::MinCost && f.objective_loss.is_some_and(|l| l <= 1e-9)
    });
    if verdict == Verdict::NeedsMoney && keeps {
        verdict = Verdict::NotNeeded;
    }
    let commune = &scenario.communes[proj.commune];
    Ok(Why {
        scenario: scenario.name.clone(),
        synthetic: plan.synthetic.clone(),
        project: proj.id.clone(),
        commune: commune.id.clone(),
        commune_name: commune.name.clone(),
        category: proj.category.as_str().to_string(),
        cost: proj.cost,
        gains: proj.gains.iter().map(|g| g.label()).collect(),
        funded: matches!(verdict, Verdict::Funded { .. }),
        reason: reason(&verdict, proj),
        verdict,
        sources,
        forced,
        plan_objective: plan.objective_kind,
        plan_value: plan.objective,
        plan_status: plan.status,
    })
}

/// The index of the project with id `project`; an unknown id is an error with the nearest id.
pub fn find_project(scenario: &Scenario, project: &str) -> Result<usize> {
    if let Some(p) = scenario.projects.iter().position(|q| q.id == project) {
        return Ok(p);
    }
    // Did you mean: the nearest id, when it is close.
    let near = scenario
        .projects
        .iter()
        .map(|q| {
            (
                strsim::levenshtein(&q.id.to_lowercase(), &project.to_lowercase()),
                &q.id,
            )
        })
        .min();
    let hint = match near {
        Some((d, id)) if d <= 2 => format!("did you mean `{id}`?"),
        _ => "give the `id` of a row of projects.csv".into(),
    };
    Err(Error::Unsupported {
        message: format!("no project `{project}` in scenario `{}`", scenario.name),
        hint,
    })
}

/// The planning years the project may be funded in.
fn open_years(scenario: &Scenario, proj: &Project) -> Vec<u16> {
    let mut years: Vec<u16> = scenario
        .years
        .iter()
        .copied()
        .filter(|t| proj.open_in(*t))
        .collect();
    years.sort_unstable();
    years.dedup();
    years
}

/// Sources that may fund the project's category, with budget, plan spend and what is left in
/// `years`.
fn source_money(
    scenario: &Scenario,
    plan: &Plan,
    proj: &Project,
    years: &[u16],
) -> Vec<SourceMoney> {
    scenario
        .capital_sources
        .iter()
        .filter(|s| s.funds(&proj.category))
        .map(|s| {
            let budget: Decimal = years.iter().map(|t| s.budget_in(*t)).sum();
            let spent: Decimal = plan
                .projects
                .iter()
                .filter(|f| years.contains(&f.year))
                .filter_map(|f| f.funding.get(&s.id))
                .sum();
            SourceMoney {
                id: s.id.clone(),
                name_vi: s.name_vi.clone(),
                budget,
                spent,
                left: (budget - spent).max(Decimal::ZERO),
            }
        })
        .collect()
}

/// The first answer that holds (see the module's list).
fn verdict(
    scenario: &Scenario,
    plan: &Plan,
    chosen: &BTreeMap<usize, u16>,
    p: usize,
    years: &[u16],
    sources: &[SourceMoney],
) -> Verdict {
    let proj = &scenario.projects[p];
    if let Some(f) = plan.projects.iter().find(|f| f.id == proj.id) {
        return Verdict::Funded {
            year: f.year,
            funding: f.funding.clone(),
        };
    }
    if proj.must == Some(Must::Skip) {
        return Verdict::Skipped;
    }
    if years.is_empty() {
        return Verdict::OutsideYears;
    }
    if let Some(q) = dominating(scenario, p, years) {
        let by = &scenario.projects[q];
        return Verdict::Dominated {
            by: by.id.clone(),
            cost: by.cost,
            funded: chosen.contains_key(&q),
        };
    }
    let after = apply_projects(
        &scenario.communes,
        chosen.keys().map(|q| &scenario.projects[*q]),
    );
    let commune = &after[proj.commune];
    if proj
        .gains
        .iter()
        .all(|g| met(commune, g.level, g.criterion))
    {
        return Verdict::AlreadyMet;
    }
    let left: Decimal = sources.iter().map(|s| s.left).sum();
    if left < proj.cost {
        return Verdict::NoEligibleMoney { left };
    }
    if proj.gains.iter().any(|g| g.is_standard())
        && plan.after.per_commune[proj.commune].tier.is_none()
    {
        let all_left: Decimal = plan
            .budget_by_source
            .iter()
            .map(|(id, budget)| {
                let spent = plan.spend_by_source.get(id).copied().unwrap_or_default();
                (*budget - spent).max(Decimal::ZERO)
            })
            .sum();
        let (lacking, cost) = completion(scenario, chosen, proj.commune, commune);
        if cost.is_none_or(|c| c > all_left) {
            return Verdict::CommuneShort {
                lacking,
                cost,
                left: all_left,
            };
        }
    }
    Verdict::NeedsMoney
}

/// Whether `commune` meets criterion `k` of the `level` set (its own data and the gains on it,
/// gates aside).
fn met(commune: &Commune, level: TierId, k: u8) -> bool {
    match level {
        TierId::Standard => commune.met.contains(k),
        _ => commune.advanced_met.contains(k),
    }
}

/// The cheapest project (then the first by id) of `p`'s commune, other than `p`, that costs
/// less and closes on its own (gain 1) every criterion `p` brings closer, may be paid by every
/// source that may pay `p`, and is open in every year `p` is.
fn dominating(scenario: &Scenario, p: usize, years: &[u16]) -> Option<usize> {
    let proj = &scenario.projects[p];
    let eligible = |q: &Project| -> BTreeSet<usize> {
        scenario
            .capital_sources
            .iter()
            .enumerate()
            .filter(|(_, s)| s.funds(&q.category))
            .map(|(i, _)| i)
            .collect()
    };
    let own = eligible(proj);
    scenario
        .projects
        .iter()
        .enumerate()
        .filter(|(q, other)| {
            *q != p
                && other.commune == proj.commune
                && other.must != Some(Must::Skip)
                && other.cost < proj.cost
                && years.iter().all(|t| other.open_in(*t))
                && proj.gains.iter().all(|g| {
                    other.gains.iter().any(|o| {
                        o.level == g.level
                            && o.criterion == g.criterion
                            && o.fraction >= Decimal::ONE
                    })
                })
                && own.is_subset(&eligible(other))
        })
        .min_by(|a, b| a.1.cost.cmp(&b.1.cost).then(a.0.cmp(&b.0)))
        .map(|(q, _)| q)
}

/// Standard criteria commune `c` lacks after the plan (`after`: its status with the plan's
/// gains), and the cheapest completion of all of them by its unfunded projects, by cost per
/// unit of gain (`None` when some criterion cannot be closed by them).
fn completion(
    scenario: &Scenario,
    chosen: &BTreeMap<usize, u16>,
    c: usize,
    after: &Commune,
) -> (Vec<u8>, Option<Decimal>) {
    let lacking: Vec<u8> = scenario
        .catalog
        .criteria
        .iter()
        .map(|k| k.id)
        .filter(|k| !after.met.contains(*k))
        .collect();
    let mut taken: BTreeSet<usize> = BTreeSet::new();
    for &k in &lacking {
        let progress: Decimal = chosen
            .keys()
            .map(|q| &scenario.projects[*q])
            .filter(|q| q.commune == c)
            .flat_map(|q| &q.gains)
            .filter(|g| g.is_standard() && g.criterion == k)
            .map(|g| g.fraction)
            .sum();
        let mut order: Vec<(usize, Decimal, Decimal)> = scenario
            .projects
            .iter()
            .enumerate()
            .filter(|(q, proj)| {
                proj.commune == c && proj.must != Some(Must::Skip) && !chosen.contains_key(q)
            })
            .filter_map(|(q, proj)| {
                let gain: Decimal = proj
                    .gains
                    .iter()
                    .filter(|g| g.is_standard() && g.criterion == k)
                    .map(|g| g.fraction)
                    .sum();
                (gain > Decimal::ZERO && proj.first_year_in(&scenario.years).is_some())
                    .then_some((q, proj.cost, gain))
            })
            .collect();
        cost_per_gain_order(&mut order, Decimal::ZERO);
        match close_in_order(progress, order.iter().map(|(q, _, g)| (*q, *g))) {
            Some(set) => taken.extend(set),
            None => return (lacking, None),
        }
    }
    let cost = taken.iter().map(|q| scenario.projects[*q].cost).sum();
    (lacking, Some(cost))
}

/// The two re-solves with project `p` forced in: within the budgets, and the least extra money
/// that keeps what the plan reaches.
fn forced(scenario: &Scenario, options: &PlanOptions, plan: &Plan, p: usize) -> Result<Forced> {
    let options = &PlanOptions {
        tie_break: false,
        ..options.clone()
    };
    let mut with = scenario.clone();
    with.projects[p].must = Some(Must::Fund);
    // Within the budgets, the scenario's own targets: only when its eligible sources' budgets
    // of one of its years can pay for it at all (otherwise no plan funds it).
    let proj = &scenario.projects[p];
    let payable: Decimal = open_years(scenario, proj)
        .iter()
        .map(|t| {
            scenario
                .capital_sources
                .iter()
                .filter(|s| s.funds(&proj.category))
                .map(|s| s.budget_in(*t))
                .sum::<Decimal>()
        })
        .max()
        .unwrap_or_default();
    let inside = if payable >= proj.cost {
        resolve(&with, Ask::Plan, options, Some(plan))?
    } else {
        None
    };
    let objective_with = inside
        .as_ref()
        .and_then(|q| (!q.status.is_short()).then_some(q.objective));
    let objective_loss = objective_with.map(|v| match plan.objective_kind {
        Objective::MinCost => v - plan.objective,
        _ => plan.objective - v,
    });
    // Beyond the budgets: every target and the objective kept where the plan has them.
    let requirements = super::marginal::keep_reached(&mut with, plan);
    // The plan within the budgets, when it keeps the objective, is tried first: then no extra
    // money is needed, proven without a search.
    let within_budgets = inside
        .iter()
        .filter(|q| !q.status.is_short())
        .map(|q| plan::selection_of(&with, q))
        .collect();
    let ask = Ask::LeastExtra {
        requirements,
        within_budgets,
    };
    let extra = resolve(&with, ask, options, Some(plan))?;
    let proven = inside.as_ref().is_none_or(|q| {
        matches!(
            q.status,
            PlanStatus::Optimal | PlanStatus::OptimalOutOfReach
        )
    }) && extra
        .as_ref()
        .is_none_or(|q| q.status == PlanStatus::Optimal);
    Ok(match extra {
        Some(extra) => Forced {
            objective_with,
            objective_loss,
            extra_total: Some(extra.extra_budget.values().copied().sum()),
            extra_by_source: extra.extra_budget,
            proven,
        },
        None => Forced {
            objective_with,
            objective_loss,
            extra_total: None,
            extra_by_source: BTreeMap::new(),
            proven,
        },
    })
}

/// The answer in words, Vietnamese first.
fn reason(verdict: &Verdict, proj: &Project) -> String {
    match verdict {
        Verdict::Funded { year, .. } => format!(
            "được cấp vốn năm {year} (funded in {year})"
        ),
        Verdict::Skipped => {
            "kịch bản loại trừ dự án (must = skip) (the scenario rules it out: must = skip)".into()
        }
        Verdict::OutsideYears => format!(
            "thời gian thực hiện {}-{} nằm ngoài các năm kế hoạch (its years {}-{} miss the planning years)",
            proj.year_from, proj.year_to, proj.year_from, proj.year_to
        ),
        Verdict::NoEligibleMoney { .. } => format!(
            "không nguồn vốn nào được phép chi cho nhóm `{}` còn đủ tiền (no source that may fund `{}` has the money left)",
            proj.category.as_str(),
            proj.category.as_str()
        ),
        Verdict::AlreadyMet => {
            "các tiêu chí dự án nâng đã đạt sau kế hoạch (every criterion it raises is already met after the plan)".into()
        }
        Verdict::Dominated { by, .. } => format!(
            "dự án {by} rẻ hơn, một mình đã hoàn thành cùng tiêu chí ở cùng xã (dominated: {by} costs less and on its own closes the same criterion in the same commune)"
        ),
        Verdict::CommuneShort { cost: None, .. } => {
            "xã không thể đạt chuẩn với các dự án ứng viên (its commune cannot reach the standard with its candidate projects)".into()
        }
        Verdict::CommuneShort { .. } => {
            "xã không đủ vốn để đạt chuẩn (its commune cannot reach the standard with the money left)".into()
        }
        Verdict::NotNeeded => {
            "không cần: đưa vào kế hoạch vẫn giữ nguyên mục tiêu và chỉ tiêu, nhưng không nâng thêm gì kế hoạch tính (not needed: forced in, the plan keeps its objective and targets, but it raises nothing the plan counts)".into()
        }
        Verdict::NeedsMoney => {
            "thiếu vốn: cần thêm tiền để đưa vào kế hoạch (left out for the money: it needs extra money to come in)".into()
        }
    }
}
