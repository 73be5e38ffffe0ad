//! Outcome (kết quả): communes' status after funded projects, and how targets fare against it.
//! Shared by the planner and the rule simulation so both count the same way.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::catalog::{Catalog, TierId};
use crate::evaluate::Evaluation;
use crate::scenario::{Commune, Project, Target, TargetKind};

/// Applies funded projects to communes: a criterion becomes met when the funded gains on it in
/// that commune add up to at least 1 (a full gap closed); gains on the advanced set
/// (`a2:0.5`) likewise make the commune meet that advanced criterion.
pub fn apply_projects<'a>(
    communes: &[Commune],
    funded: impl IntoIterator<Item = &'a Project>,
) -> Vec<Commune> {
    // Per commune: progress on the standard set, then on the advanced set.
    let mut progress: Vec<[[Decimal; 32]; 2]> = vec![[[Decimal::ZERO; 32]; 2]; communes.len()];
    for project in funded {
        for gain in &project.gains {
            let set = usize::from(!gain.is_standard());
            if let Some(slot) = progress
                .get_mut(project.commune)
                .and_then(|p| p[set].get_mut(usize::from(gain.criterion)))
            {
                *slot += gain.fraction;
            }
        }
    }
    communes
        .iter()
        .zip(progress)
        .map(|(commune, [standard, advanced])| {
            let mut after = commune.clone();
            for (id, closed) in standard.iter().enumerate() {
                if *closed >= Decimal::ONE {
                    after.met.insert(id as u8);
                }
            }
            for (id, closed) in advanced.iter().enumerate() {
                if *closed >= Decimal::ONE {
                    after.advanced_met.insert(id as u8);
                }
            }
            after
        })
        .collect()
}

/// How one target fares.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetOutcome {
    /// English name.
    pub name: String,
    /// Vietnamese name (tên chỉ tiêu).
    pub name_vi: String,
    /// Year.
    pub year: u16,
    /// The target value.
    pub target: Decimal,
    /// What is reached.
    pub achieved: Decimal,
    /// How far short (zero when met).
    pub shortfall: Decimal,
    /// The criteria set a criterion target counts in, when not the standard one (`advanced`:
    /// tiêu chí nâng cao).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<TierId>,
    /// The commune group a group target counts (số xã nhóm 2 đạt …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<crate::catalog::CommuneGroup>,
}

/// Communes that must have at least the band's minimum of criteria for a band target to hold.
///
/// The documents publish a distribution ("7 communes at 15-18, 27 at 10-14 …"). We read it
/// cumulatively: a band target of N holds when at least N + (the targets of all higher bands
/// in the same year, with the standard-tier target standing for the top band when that band has
/// no target of its own) communes have at least the band's minimum. A commune that climbs past
/// its band therefore never hurts. See docs/model.md.
pub fn cumulative_band_target(target: &Target, all: &[Target], catalog: &Catalog) -> Decimal {
    let TargetKind::Band { band } = &target.kind else {
        return target.value;
    };
    let min_of = |id: &str| catalog.bands.iter().find(|b| b.id == id).map(|b| b.min);
    let Some(min) = min_of(band) else {
        return target.value;
    };
    let top = catalog.bands.iter().map(|b| b.min).max().unwrap_or(0);
    let same_year = || all.iter().filter(|t| t.year == target.year);
    let higher: Decimal = same_year()
        .filter_map(|t| match &t.kind {
            TargetKind::Band { band } => min_of(band).filter(|m| *m > min).map(|_| t.value),
            _ => None,
        })
        .sum();
    let top_has_target = same_year()
        .any(|t| matches!(&t.kind, TargetKind::Band { band } if min_of(band) == Some(top)));
    let standard = if top > min && !top_has_target {
        same_year()
            .filter(|t| {
                t.kind
                    == (TargetKind::Tier {
                        tier: TierId::Standard,
                    })
            })
            .map(|t| t.value)
            .max()
            .unwrap_or(Decimal::ZERO)
    } else {
        Decimal::ZERO
    };
    target.value + higher + standard
}

/// What an evaluation reaches on a target's measure (for band targets: the cumulative count,
/// compare with [`cumulative_band_target`]).
pub fn achieved(target: &Target, evaluation: &Evaluation, catalog: &Catalog) -> Decimal {
    let count = |n: usize| Decimal::from(n);
    if let TargetKind::Indicator { indicator } = &target.kind {
        return count(evaluation.indicator_met(indicator, target.group));
    }
    // A group target (criterion or tier only, `scenario::read_targets` checks it) counts the
    // communes of its group.
    if let Some(group) = target.group {
        return count(match &target.kind {
            TargetKind::Criterion { criterion } => evaluation.group_met(group, Some(*criterion)),
            TargetKind::Tier { tier } => evaluation.group_at(group, *tier),
            _ => evaluation.group_met(group, None),
        });
    }
    match &target.kind {
        TargetKind::Criterion { criterion } => count(
            evaluation
                .criteria
                .iter()
                .find(|c| c.id == *criterion)
                .map_or(0, |c| c.met),
        ),
        TargetKind::LevelCriterion { criterion, .. } => count(
            evaluation
                .advanced_criteria
                .iter()
                .find(|c| c.id == *criterion)
                .map_or(0, |c| c.met),
        ),
        TargetKind::Tier { tier } => count(match tier {
            TierId::Standard => evaluation.summary.standard,
            TierId::Advanced => evaluation.summary.advanced,
            TierId::Model => evaluation.summary.model,
        }),
        TargetKind::Band { band } => {
            let min = catalog
                .bands
                .iter()
                .find(|b| &b.id == band)
                .map_or(0, |b| b.min);
            count(
                evaluation
                    .per_commune
                    .iter()
                    .filter(|c| c.criteria_met >= u32::from(min))
                    .count(),
            )
        }
        TargetKind::AverageCriteria => crate::number::round_half_up(
            evaluation.summary.average_criteria,
            crate::number::AVERAGE_PLACES,
        ),
        TargetKind::MinCriteria { min } => count(
            evaluation
                .per_commune
                .iter()
                .filter(|c| c.criteria_met >= u32::from(*min))
                .count(),
        ),
        TargetKind::Indicator { indicator } => count(evaluation.indicator_met(indicator, None)),
    }
}

/// Every target against an evaluation.
pub fn target_outcomes(
    targets: &[Target],
    evaluation: &Evaluation,
    catalog: &Catalog,
) -> Vec<TargetOutcome> {
    targets
        .iter()
        .map(|t| {
            // Band targets are reported in the document's own terms: the cumulative count less
            // what the higher bands' targets take.
            let offset = cumulative_band_target(t, targets, catalog) - t.value;
            let achieved = achieved(t, evaluation, catalog) - offset;
            TargetOutcome {
                name: t.name(catalog),
                name_vi: t.name_vi(catalog),
                year: t.year,
                target: t.value,
                achieved,
                shortfall: (t.value - achieved).max(Decimal::ZERO),
                level: match t.kind {
                    TargetKind::LevelCriterion { level, .. } => Some(level),
                    _ => None,
                },
                group: t.group,
            }
        })
        .collect()
}
