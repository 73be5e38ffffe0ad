//! Content stage, part one: the figures of the plan document, gathered from `evaluate`, the
//! targets (the scenario's or `ntm targets`'), `plan` and, when a rule is given, `allocate`.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::catalog::CommuneGroup;
use crate::evaluate::Evaluation;
use crate::number::round_half_up;
use crate::plan::Plan;
use crate::rules::Allocation;
use crate::scenario::{Scenario, TargetKind};
use crate::whatif::drafting::Drafting;

use super::law;
use super::outline::{
    AllocationFacts, AllocationLine, BandCount, CommuneLine, CounterpartLine, CriterionProjects,
    CriterionStatus, Facts, FundingFacts, ProjectFacts, ProjectLine, Shortfall, SourceAmount,
    SourceLine, StatusFacts, TargetFacts, TargetLine, TargetOrigin,
};
use super::shares::percent_shares;

/// Percent of `part` in `whole`, rounded half-up at one decimal (zero of nothing).
pub fn percent(part: usize, whole: usize) -> Decimal {
    if whole == 0 {
        return Decimal::ZERO;
    }
    round_half_up(
        Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole),
        1,
    )
}

/// Whether a source or basis text marks its value as assumed.
pub fn is_assumption(text: &str) -> bool {
    text.trim_start().to_lowercase().starts_with("assumption")
}

/// Everything the document states.
pub struct Inputs<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// Status at the end of the baseline year.
    pub before: &'a Evaluation,
    /// The plan.
    pub plan: &'a Plan,
    /// Drafted targets, used when the scenario has none.
    pub drafting: Option<&'a Drafting>,
    /// Allocation by rule.
    pub allocation: Option<&'a Allocation>,
    /// Legal bases.
    pub legal_bases: Vec<String>,
}

/// The facts of the document.
pub fn facts(inputs: &Inputs) -> Facts {
    let s = inputs.scenario;
    Facts {
        scenario: s.name.clone(),
        province: s.province.clone(),
        baseline_year: s.baseline_year,
        years: s.years.clone(),
        synthetic: s.synthetic.clone(),
        assumptions: assumptions(inputs),
        legal_bases: inputs.legal_bases.clone(),
        status: status(s, inputs.before),
        targets: targets(s, inputs.before, inputs.drafting),
        projects: projects(s, inputs.plan),
        funding: funding(s, inputs.plan),
        allocation: inputs.allocation.map(|a| allocation(s, a)),
        communes: communes(s, inputs.plan),
    }
}

fn status(s: &Scenario, e: &Evaluation) -> StatusFacts {
    let n = e.summary.communes;
    StatusFacts {
        communes: n,
        standard: e.summary.standard,
        standard_percent: percent(e.summary.standard, n),
        advanced: e.summary.advanced,
        model: e.summary.model,
        average_criteria: round_half_up(e.summary.average_criteria, 2),
        bands: e
            .summary
            .bands
            .iter()
            .map(|(band, communes)| BandCount {
                band: band.clone(),
                communes: *communes,
            })
            .collect(),
        criteria: e
            .criteria
            .iter()
            .map(|c| CriterionStatus {
                id: c.id,
                name_vi: c.name_vi.clone(),
                group: law::group_of(&s.catalog.id, c.id).to_string(),
                met: c.met,
                percent: percent(c.met, n),
                assumed: s
                    .synthesize
                    .assumed_criteria
                    .contains_key(&format!("c{}", c.id))
                    && s.synthetic.is_some(),
            })
            .collect(),
    }
}

/// The value of what a target counts at the end of the baseline year; a group target counts
/// its group's communes (criterion or tier only, `scenario` checks it).
fn baseline_of(kind: &TargetKind, group: Option<CommuneGroup>, e: &Evaluation) -> Decimal {
    let count = |n: usize| Decimal::from(n);
    if let TargetKind::Indicator { indicator } = kind {
        return count(e.indicator_met(indicator, group));
    }
    if let Some(g) = group {
        return count(match kind {
            TargetKind::Criterion { criterion } => e.group_met(g, Some(*criterion)),
            TargetKind::Tier { tier } => e.group_at(g, *tier),
            _ => e.group_met(g, None),
        });
    }
    match kind {
        TargetKind::Criterion { criterion } => count(
            e.criteria
                .iter()
                .find(|c| c.id == *criterion)
                .map_or(0, |c| c.met),
        ),
        TargetKind::LevelCriterion { criterion, .. } => count(
            e.advanced_criteria
                .iter()
                .find(|c| c.id == *criterion)
                .map_or(0, |c| c.met),
        ),
        TargetKind::Tier { tier } => count(
            e.per_commune
                .iter()
                .filter(|c| c.tier.is_some_and(|t| t >= *tier))
                .count(),
        ),
        TargetKind::Band { band } => count(
            e.summary
                .bands
                .iter()
                .find(|(id, _)| id == band)
                .map_or(0, |(_, n)| *n),
        ),
        TargetKind::AverageCriteria => round_half_up(e.summary.average_criteria, 2),
        TargetKind::MinCriteria { min } => count(
            e.per_commune
                .iter()
                .filter(|c| c.criteria_met >= u32::from(*min))
                .count(),
        ),
        TargetKind::Indicator { indicator } => count(e.indicator_met(indicator, None)),
    }
}

fn targets(s: &Scenario, e: &Evaluation, drafting: Option<&Drafting>) -> TargetFacts {
    let line = |year: u16,
                kind: &TargetKind,
                commune_group: Option<CommuneGroup>,
                value: Decimal,
                source: String| {
        let baseline = baseline_of(kind, commune_group, e);
        let counts = !matches!(kind, TargetKind::AverageCriteria);
        let baseline_assumed = match kind {
            TargetKind::Criterion { criterion } => {
                s.synthetic.is_some()
                    && s.synthesize
                        .assumed_criteria
                        .contains_key(&format!("c{criterion}"))
            }
            _ => false,
        };
        TargetLine {
            year,
            baseline_assumed,
            kind: kind.clone(),
            group: match kind {
                TargetKind::Criterion { criterion } => {
                    Some(law::group_of(&s.catalog.id, *criterion).to_string())
                }
                _ => None,
            },
            commune_group: commune_group.map(|g| {
                let n = s
                    .communes
                    .iter()
                    .filter(|c| crate::scenario::counts_toward(Some(g), c))
                    .count();
                (g, n)
            }),
            baseline,
            value,
            increase: counts.then(|| value - baseline),
            source,
        }
    };
    let planned: Vec<TargetLine> = s
        .targets
        .iter()
        .filter(|t| s.years.contains(&t.year))
        .map(|t| line(t.year, &t.kind, t.group, t.value, t.source.clone()))
        .collect();
    if !planned.is_empty() {
        return TargetFacts {
            origin: TargetOrigin::Scenario,
            items: planned,
        };
    }
    match drafting {
        Some(d) if !d.targets.is_empty() => TargetFacts {
            origin: TargetOrigin::Drafted,
            items: d
                .targets
                .iter()
                .map(|t| {
                    line(
                        d.year,
                        &t.kind,
                        t.group,
                        t.achievable,
                        "ntm targets: achievable with the year's budget".into(),
                    )
                })
                .collect(),
        },
        _ => TargetFacts {
            origin: TargetOrigin::None,
            items: Vec::new(),
        },
    }
}

/// The criterion a project serves first: its largest gain, the lower id on ties.
fn first_criterion(s: &Scenario, project: &str) -> Option<u8> {
    let p = s.projects.iter().find(|p| p.id == project)?;
    p.gains
        .iter()
        .filter(|g| g.is_standard())
        .max_by(|a, b| {
            a.fraction
                .cmp(&b.fraction)
                .then(b.criterion.cmp(&a.criterion))
        })
        .map(|g| g.criterion)
}

fn commune_names(s: &Scenario) -> BTreeMap<&str, &str> {
    s.communes
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str()))
        .collect()
}

fn projects(s: &Scenario, plan: &Plan) -> ProjectFacts {
    let names = commune_names(s);
    let name_of = |id: &str| names.get(id).map_or(id, |n| n).to_string();
    let list: Vec<ProjectLine> = plan
        .projects
        .iter()
        .map(|p| ProjectLine {
            id: p.id.clone(),
            commune: name_of(&p.commune),
            criterion: first_criterion(s, &p.id),
            year: p.year,
            cost: p.cost,
            funding: p
                .funding
                .iter()
                .filter(|(_, amount)| !amount.is_zero())
                .map(|(source, amount)| SourceAmount {
                    source: source.clone(),
                    amount: *amount,
                })
                .collect(),
        })
        .collect();
    let order: BTreeMap<&str, usize> = s
        .communes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    let by_criterion = s
        .catalog
        .criteria
        .iter()
        .filter_map(|c| {
            let mine: Vec<&ProjectLine> =
                list.iter().filter(|p| p.criterion == Some(c.id)).collect();
            if mine.is_empty() {
                return None;
            }
            let mut communes: Vec<String> = mine.iter().map(|p| p.commune.clone()).collect();
            communes.sort_by_key(|n| order.get(n.as_str()).copied().unwrap_or(usize::MAX));
            communes.dedup();
            Some(CriterionProjects {
                criterion: c.id,
                name_vi: c.name_vi.clone(),
                group: law::group_of(&s.catalog.id, c.id).to_string(),
                projects: mine.len(),
                communes,
                cost: mine.iter().map(|p| p.cost).sum(),
            })
        })
        .collect();
    ProjectFacts {
        status: plan.status,
        count: list.len(),
        cost: list.iter().map(|p| p.cost).sum(),
        by_criterion,
        standard_after: plan.after.summary.standard,
        average_after: round_half_up(plan.after.summary.average_criteria, 2),
        newly_standard: plan.newly_standard.iter().map(|id| name_of(id)).collect(),
        shortfalls: plan
            .targets
            .iter()
            .enumerate()
            .filter(|(_, t)| t.shortfall > Decimal::ZERO)
            .map(|(i, t)| Shortfall {
                name: t.name.clone(),
                // The plan reports its targets in the scenario's order.
                kind: (plan.targets.len() == s.targets.len()).then(|| s.targets[i].kind.clone()),
                year: t.year,
                target: t.target,
                achieved: t.achieved,
            })
            .collect(),
        list,
        synthetic: s.synthetic.is_some() && !s.projects.is_empty(),
    }
}

fn funding(s: &Scenario, plan: &Plan) -> FundingFacts {
    let budgets: Vec<Decimal> = s
        .capital_sources
        .iter()
        .map(|c| s.years.iter().map(|y| c.budget_in(*y)).sum())
        .collect();
    let (shares, share_places) = percent_shares(&budgets);
    let name_of = |id: &str| {
        s.capital_sources
            .iter()
            .find(|c| c.id == id)
            .map_or(id.to_string(), |c| c.name_vi.clone())
    };
    let sources: Vec<SourceLine> = s
        .capital_sources
        .iter()
        .zip(budgets.iter().zip(&shares))
        .map(|(c, (budget, share))| SourceLine {
            id: c.id.clone(),
            kind: c.kind,
            name_vi: c.name_vi.clone(),
            budget: *budget,
            share_percent: *share,
            spent: plan.spend_by_source.get(&c.id).copied().unwrap_or_default(),
            assumed: is_assumption(&c.eligibility),
        })
        .collect();
    FundingFacts {
        years: s.years.clone(),
        total: budgets.iter().sum(),
        share_places,
        spent: sources.iter().map(|l| l.spent).sum(),
        sources,
        counterpart: s
            .counterpart
            .iter()
            .map(|c| CounterpartLine {
                source: name_of(&c.source),
                of: c.of.iter().map(|id| name_of(id)).collect(),
                ratio: c.ratio.0,
                basis: c.basis.clone(),
            })
            .collect(),
    }
}

fn allocation(s: &Scenario, a: &Allocation) -> AllocationFacts {
    let name_of = |id: &str| {
        s.capital_sources
            .iter()
            .find(|c| c.id == id)
            .map_or(id.to_string(), |c| c.name_vi.clone())
    };
    AllocationFacts {
        rule: a.rule.clone(),
        title: a.rule_title.clone(),
        source: a.rule_source.clone(),
        assumed: a.rule_has_assumptions,
        year: a.year,
        sources: a.sources.iter().map(|x| name_of(&x.id)).collect(),
        budget: a.budget,
        allocated: a.allocated,
        set_aside: a.set_aside,
        unallocated: a.unallocated,
        communes: a
            .communes
            .iter()
            .map(|c| AllocationLine {
                commune: c.name.clone(),
                criteria_met: c.criteria_met,
                coefficient: c.coefficient,
                amount: c.total,
            })
            .collect(),
    }
}

fn communes(s: &Scenario, plan: &Plan) -> Vec<CommuneLine> {
    plan.before
        .per_commune
        .iter()
        .zip(&plan.after.per_commune)
        .map(|(b, a)| CommuneLine {
            name: s
                .communes
                .iter()
                .find(|c| c.id == b.id)
                .map_or(b.name.clone(), |c| c.name.clone()),
            criteria_before: b.criteria_met,
            tier_before: b.tier,
            criteria_after: a.criteria_met,
            tier_after: a.tier,
        })
        .collect()
}

fn assumptions(inputs: &Inputs) -> Vec<String> {
    let s = inputs.scenario;
    let mut out = Vec::new();
    if !s.synthesize.assumed_criteria.is_empty() && s.synthetic.is_some() {
        if let Some(note) = &s.synthesize.note {
            out.push(note.clone());
        }
    }
    for t in s.targets.iter().filter(|t| is_assumption(&t.source)) {
        out.push(t.source.clone());
    }
    for c in s
        .capital_sources
        .iter()
        .filter(|c| is_assumption(&c.eligibility))
    {
        out.push(format!("{}: {}", c.name_vi, c.eligibility));
    }
    for c in s.counterpart.iter().filter(|c| is_assumption(&c.basis)) {
        out.push(format!("vốn đối ứng ({}): {}", c.source, c.basis));
    }
    if let Some(a) = inputs.allocation.filter(|a| a.rule_has_assumptions) {
        out.push(format!("{}: {}", a.rule, a.rule_title));
    }
    out
}
