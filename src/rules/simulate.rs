//! What communes do with their allocation (mô phỏng sử dụng vốn): each commune funds its own
//! candidate projects under one local policy, and the outcome is counted as `evaluate` counts.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::Allocation;
use crate::closing;
use crate::evaluate::{evaluate_communes, Evaluation};
use crate::outcome::{apply_projects, target_outcomes, TargetOutcome};
use crate::paying::{pay, Pot};
use crate::plan::FundedProject;
use crate::scenario::{Must, Project, Scenario};

/// The local policy, as printed in reports.
pub const POLICY: &str = "each commune spends only its own allocation (and counterpart) on its own candidate projects of the year: must-fund projects first, then repeatedly the unmet criterion whose cheapest closing bundle (its projects by cost per gap closed, until the gap is closed) is cheapest and affordable; each project is paid from the eligible pots, the most restricted pot first";

/// One commune's use of its money.
#[derive(Debug, Clone, Serialize)]
pub struct CommuneSpending {
    /// Commune id.
    pub id: String,
    /// Money it had (allocation + counterpart), million VND.
    pub available: Decimal,
    /// Spent on projects.
    pub spent: Decimal,
    /// Funded project ids.
    pub projects: Vec<String>,
    /// Criteria met before.
    pub criteria_before: u32,
    /// Criteria met after.
    pub criteria_after: u32,
    /// At standard after.
    pub standard_after: bool,
}

/// The outcome of a rule's allocation (kết quả mô phỏng).
#[derive(Debug, Clone, Serialize)]
pub struct Simulation {
    /// The policy.
    pub policy: &'static str,
    /// Year.
    pub year: u16,
    /// Communes at standard before.
    pub standard_before: usize,
    /// Communes at standard after.
    pub standard: usize,
    /// Criteria met before, all communes.
    pub criteria_before: u32,
    /// Criteria met after, all communes.
    pub criteria_met: u32,
    /// Money given to communes (allocation + counterpart).
    pub available: Decimal,
    /// Spent on projects.
    pub spent: Decimal,
    /// Given to communes but not spent.
    pub unused: Decimal,
    /// Spent per source id.
    pub spent_by_source: BTreeMap<String, Decimal>,
    /// Targets of the year against the outcome.
    pub targets: Vec<TargetOutcome>,
    /// Per commune.
    pub per_commune: Vec<CommuneSpending>,
    /// Funded projects with their sources.
    pub projects: Vec<FundedProject>,
    /// Status of the communes after.
    #[serde(skip)]
    pub after: Evaluation,
}

/// The cheapest bundle of `candidates` closing the gap on `criterion` given `progress`.
fn bundle(
    candidates: &[&Project],
    funded: &[bool],
    criterion: u8,
    progress: Decimal,
) -> Option<(Decimal, Vec<usize>)> {
    let mut options: Vec<(usize, Decimal, Decimal)> = candidates
        .iter()
        .enumerate()
        .filter(|(i, _)| !funded[*i])
        .filter_map(|(i, p)| {
            p.gains
                .iter()
                .find(|g| g.is_standard() && g.criterion == criterion)
                .map(|g| (i, p.cost, g.fraction))
        })
        .collect();
    closing::cost_per_gain_order(&mut options, Decimal::ZERO);
    let chosen = closing::close_in_order(progress, options.iter().map(|o| (o.0, o.2)))?;
    Some((chosen.iter().map(|i| candidates[*i].cost).sum(), chosen))
}

/// Simulates communes spending an allocation on their own projects (see [`POLICY`]).
pub fn simulate(scenario: &Scenario, allocation: &Allocation) -> Simulation {
    let year = allocation.year;
    let source = |id: &str| scenario.capital_sources.iter().find(|s| s.id == id);
    let before = crate::evaluate::evaluate(scenario);
    let mut funded_all: Vec<FundedProject> = Vec::new();
    let mut funded_projects: Vec<&Project> = Vec::new();
    let mut per_commune = Vec::new();
    for (index, (commune, share)) in scenario
        .communes
        .iter()
        .zip(&allocation.communes)
        .enumerate()
    {
        let mut pots: Vec<Pot> = share
            .amounts
            .iter()
            .filter_map(|(id, s)| {
                source(id).map(|src| Pot {
                    source: src,
                    left: s.amount,
                })
            })
            .collect();
        if let Some(src) = allocation
            .counterpart
            .as_ref()
            .and_then(|c| source(&c.source))
        {
            pots.push(Pot {
                source: src,
                left: share.counterpart,
            });
        }
        let available: Decimal = pots.iter().map(|p| p.left).sum();
        let mut candidates: Vec<&Project> = scenario
            .projects
            .iter()
            .filter(|p| p.commune == index && p.open_in(year))
            .filter(|p| p.must != Some(Must::Skip))
            .collect();
        candidates.sort_by(|a, b| a.id.cmp(&b.id));
        let mut funded = vec![false; candidates.len()];
        let mut progress = [Decimal::ZERO; 32];
        let mut fund = |i: usize,
                        pots: &mut Vec<Pot>,
                        funded: &mut Vec<bool>,
                        progress: &mut [Decimal; 32]|
         -> bool {
            let p = candidates[i];
            match pay(pots, p.category.as_str(), p.cost) {
                Some(funding) => {
                    funded[i] = true;
                    for g in p.gains.iter().filter(|g| g.is_standard()) {
                        if let Some(slot) = progress.get_mut(usize::from(g.criterion)) {
                            *slot += g.fraction;
                        }
                    }
                    funded_all.push(FundedProject {
                        id: p.id.clone(),
                        commune: commune.id.clone(),
                        year,
                        cost: p.cost,
                        funding,
                    });
                    funded_projects.push(p);
                    true
                }
                None => false,
            }
        };
        let must: Vec<usize> = (0..candidates.len())
            .filter(|i| candidates[*i].must == Some(Must::Fund))
            .collect();
        for i in must {
            fund(i, &mut pots, &mut funded, &mut progress);
        }
        loop {
            let mut best: Option<(Decimal, u8, Vec<usize>)> = None;
            for c in &scenario.catalog.criteria {
                let done = progress[usize::from(c.id)];
                if commune.met.contains(c.id) || done >= Decimal::ONE {
                    continue;
                }
                let Some((cost, chosen)) = bundle(&candidates, &funded, c.id, done) else {
                    continue;
                };
                let mut trial = pots.clone();
                let affordable = chosen.iter().all(|i| {
                    pay(
                        &mut trial,
                        candidates[*i].category.as_str(),
                        candidates[*i].cost,
                    )
                    .is_some()
                });
                if affordable && best.as_ref().is_none_or(|(b, _, _)| cost < *b) {
                    best = Some((cost, c.id, chosen));
                }
            }
            let Some((_, _, chosen)) = best else { break };
            for i in chosen {
                fund(i, &mut pots, &mut funded, &mut progress);
            }
        }
        let left: Decimal = pots.iter().map(|p| p.left).sum();
        per_commune.push(CommuneSpending {
            id: commune.id.clone(),
            available,
            spent: available - left,
            projects: candidates
                .iter()
                .zip(&funded)
                .filter(|(_, f)| **f)
                .map(|(p, _)| p.id.clone())
                .collect(),
            criteria_before: before.per_commune[index].criteria_met,
            criteria_after: 0,
            standard_after: false,
        });
    }
    let after_communes = apply_projects(&scenario.communes, funded_projects.iter().copied());
    let after = evaluate_communes(
        &scenario.catalog,
        &after_communes,
        scenario.synthetic.clone(),
    );
    for (spending, status) in per_commune.iter_mut().zip(&after.per_commune) {
        spending.criteria_after = status.criteria_met;
        spending.standard_after = status.tier.is_some();
    }
    let targets: Vec<_> = scenario
        .targets
        .iter()
        .filter(|t| t.year == year)
        .cloned()
        .collect();
    let mut spent_by_source: BTreeMap<String, Decimal> = BTreeMap::new();
    for project in &funded_all {
        for (id, amount) in &project.funding {
            *spent_by_source.entry(id.clone()).or_insert(Decimal::ZERO) += amount;
        }
    }
    let available: Decimal = per_commune.iter().map(|c| c.available).sum();
    let spent: Decimal = per_commune.iter().map(|c| c.spent).sum();
    Simulation {
        policy: POLICY,
        year,
        standard_before: before.summary.standard,
        standard: after.summary.standard,
        criteria_before: before.summary.total_criteria,
        criteria_met: after.summary.total_criteria,
        available,
        spent,
        unused: available - spent,
        spent_by_source,
        targets: target_outcomes(&targets, &after, &scenario.catalog),
        per_commune,
        projects: funded_all,
        after,
    }
}
