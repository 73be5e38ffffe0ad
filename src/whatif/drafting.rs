//! Drafting next year's targets (dự thảo chỉ tiêu): what the year's money can reach, in the
//! documents' own phrasing, and as `[[targets]]` ready to paste into a scenario.toml.
//!
//! The achievable counts are those of one plan on the year's whole budget, so they hold
//! together: the most communes at standard (objective max-standard), and, when the money allows
//! it too, the criterion counts of the plan with most criteria met (checked with objective
//! min-cost and all those counts as targets). When it does not, the draft keeps the max-standard
//! plan and, for the criteria that differ most, asks whether the standard count and that
//! criterion's count fit together: the pairs that do not are the trade-offs, the pairs that do
//! are shown as a stretch (reachable one at a time, not all together).
//!
//! Under a catalog with commune groups (QĐ 51/2025: nhóm 1, 2, 3) the same plan's counts are
//! also drafted per group present ("số xã nhóm 2 đạt chuẩn", "số xã nhóm 2 đạt tiêu chí …"),
//! and, where the scenario values indicators, per indicator ("số xã đạt chỉ tiêu …"),
//! province-wide and per group: one plan, so every drafted count holds together.

use rust_decimal::Decimal;
use serde::Serialize;

use super::{budget_in, one_year, resolve_plan, with_targets, without_targets};
use crate::catalog::{CommuneGroup, TierId};
use crate::error::Result;
use crate::evaluate::{self, Evaluation};
use crate::number::{
    format_count, format_money, format_trimmed, round_half_up, NumberStyle, AVERAGE_PLACES,
};
use crate::plan::{Objective, PlanOptions, PlanStatus};
use crate::scenario::{Scenario, TargetKind};

/// Criteria whose trade-off with the standard count is checked, largest differences first.
pub const TRADE_OFF_CHECKS: usize = 5;

/// One drafted target.
#[derive(Debug, Clone, Serialize)]
pub struct DraftTarget {
    /// What it counts.
    #[serde(flatten)]
    pub kind: TargetKind,
    /// Only this group's communes count (số xã nhóm N đạt …); `None` counts every commune.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<CommuneGroup>,
    /// Now (end of the baseline year).
    pub baseline: Decimal,
    /// Achievable by the end of the year, together with every other drafted target.
    pub achievable: Decimal,
    /// More that this criterion alone can reach without lowering the standard count (but not
    /// together with every other criterion's stretch).
    pub stretch: Option<Decimal>,
    /// English phrasing.
    pub phrase_en: String,
    /// Vietnamese phrasing, as the plans write it.
    pub phrase_vi: String,
}

/// Two targets that cannot both be reached with the money (đánh đổi).
#[derive(Debug, Clone, Serialize)]
pub struct TradeOff {
    /// First target, e.g. `communes at standard ≥ 45`.
    pub first: String,
    /// Second target, e.g. `c14 ≥ 60`.
    pub second: String,
    /// Why.
    pub explanation: String,
}

/// Drafted targets for a year.
#[derive(Debug, Clone, Serialize)]
pub struct Drafting {
    /// Present when the data is synthetic.
    pub synthetic: Option<String>,
    /// Scenario name.
    pub scenario: String,
    /// Year the targets are for (end of year).
    pub year: u16,
    /// Communes.
    pub communes: usize,
    /// Money of the year, million VND.
    pub budget: Decimal,
    /// Status of the plan behind the counts.
    pub plan_status: PlanStatus,
    /// Targets.
    pub targets: Vec<DraftTarget>,
    /// Targets that trade off against each other.
    pub trade_offs: Vec<TradeOff>,
    /// The `[[targets]]` TOML.
    pub toml: String,
}

/// How to draft.
#[derive(Debug, Clone, Default)]
pub struct DraftOptions {
    /// Year (default: [`crate::rules::budget_year`]).
    pub year: Option<u16>,
    /// Planner options (the objective is set per solve).
    pub plan: PlanOptions,
}

const VI: NumberStyle = NumberStyle::Vietnamese;
const EN: NumberStyle = NumberStyle::English;

fn phrases(
    name_en: &str,
    name_vi: &str,
    baseline: usize,
    after: usize,
    total: usize,
) -> (String, String) {
    // Each phrase writes numbers the way its language does (1.019 xã; 1,019 communes).
    let n = |count: usize, style| format_count(count as u64, style);
    let more = after.saturating_sub(baseline);
    if more == 0 {
        (
            format!(
                "{name_en}: kept at {}/{} communes",
                n(after, EN),
                n(total, EN)
            ),
            format!("{name_vi}: giữ vững {}/{} xã", n(after, VI), n(total, VI)),
        )
    } else {
        let communes = if more == 1 { "commune" } else { "communes" };
        (
            format!(
                "{name_en}: {} more {communes}, {}/{} in total",
                n(more, EN),
                n(after, EN),
                n(total, EN)
            ),
            format!(
                "{name_vi}: thêm {} xã, nâng tổng số lên {}/{} xã",
                n(more, VI),
                n(after, VI),
                n(total, VI)
            ),
        )
    }
}

fn draft_targets(scenario: &Scenario, before: &Evaluation, after: &Evaluation) -> Vec<DraftTarget> {
    let total = after.summary.communes;
    let d = |n: usize| Decimal::from(n);
    let mut targets = Vec::new();
    let (en, vi) = phrases(
        "Communes at standard",
        "Số xã đạt chuẩn nông thôn mới",
        before.summary.standard,
        after.summary.standard,
        total,
    );
    targets.push(DraftTarget {
        kind: TargetKind::Tier {
            tier: TierId::Standard,
        },
        group: None,
        baseline: d(before.summary.standard),
        achievable: d(after.summary.standard),
        stretch: None,
        phrase_en: en,
        phrase_vi: vi,
    });
    for (b, a) in before.criteria.iter().zip(&after.criteria) {
        let (en, vi) = phrases(
            &format!("Criterion {} ({})", a.id, a.name_en),
            &format!("Tiêu chí số {} ({})", a.id, a.name_vi),
            b.met,
            a.met,
            total,
        );
        targets.push(DraftTarget {
            kind: TargetKind::Criterion { criterion: a.id },
            group: None,
            baseline: d(b.met),
            achievable: d(a.met),
            stretch: None,
            phrase_en: en,
            phrase_vi: vi,
        });
    }
    // Bands as the plans publish them: between the top band (= standard) and the bottom band
    // (which every commune is "at least" in).
    let bands = &scenario.catalog.bands;
    for band in bands.iter().skip(1).take(bands.len().saturating_sub(2)) {
        let count = |e: &Evaluation| {
            e.summary
                .bands
                .iter()
                .find(|(id, _)| *id == band.id)
                .map_or(0, |(_, n)| *n)
        };
        let (b, a) = (count(before), count(after));
        targets.push(DraftTarget {
            kind: TargetKind::Band {
                band: band.id.clone(),
            },
            group: None,
            baseline: d(b),
            achievable: d(a),
            stretch: None,
            phrase_en: format!(
                "Communes with at least {} criteria beyond higher targets (band {}): {} (now {})",
                band.min,
                band.id,
                format_count(a as u64, EN),
                format_count(b as u64, EN)
            ),
            phrase_vi: format!(
                "Số xã đạt từ {} tiêu chí trở lên ngoài chỉ tiêu nhóm cao hơn (nhóm {}): {} xã (hiện nay {} xã)",
                band.min,
                band.id,
                format_count(a as u64, VI),
                format_count(b as u64, VI)
            ),
        });
    }
    // Averages as the documents print them: rounded half-up at two decimals (41/3 = 13,67),
    // the precision targets are checked at.
    let average = round_half_up(after.summary.average_criteria, AVERAGE_PLACES);
    let average_before = round_half_up(before.summary.average_criteria, AVERAGE_PLACES);
    targets.push(DraftTarget {
        kind: TargetKind::AverageCriteria,
        group: None,
        baseline: average_before,
        achievable: average,
        stretch: None,
        phrase_en: format!(
            "Average criteria per commune: {} (now {})",
            format_trimmed(average, AVERAGE_PLACES, EN),
            format_trimmed(average_before, AVERAGE_PLACES, EN)
        ),
        phrase_vi: format!(
            "Bình quân đạt {} tiêu chí/xã (hiện nay {})",
            format_trimmed(average, AVERAGE_PLACES, VI),
            format_trimmed(average_before, AVERAGE_PLACES, VI)
        ),
    });
    targets
}

/// The scenario's targets on a criterion of the advanced set, drafted at what the plan reaches:
/// no project raises such a criterion, so the count stays where it is, and the phrase says so
/// beside the scenario's own figure.
fn level_targets(scenario: &Scenario, before: &Evaluation, after: &Evaluation) -> Vec<DraftTarget> {
    let total = after.summary.communes;
    let mut drafted: Vec<DraftTarget> = Vec::new();
    for t in &scenario.targets {
        let TargetKind::LevelCriterion { criterion, level } = t.kind else {
            continue;
        };
        if drafted.iter().any(|d| d.kind == t.kind) {
            continue;
        }
        let count = |e: &Evaluation| {
            e.advanced_criteria
                .iter()
                .find(|c| c.id == criterion)
                .map_or(0, |c| c.met)
        };
        let (b, a) = (count(before), count(after));
        let (name_en, name_vi) = scenario
            .catalog
            .advanced_criterion(criterion)
            .map_or((String::new(), String::new()), |c| {
                (c.name_en.clone(), c.name_vi.clone())
            });
        drafted.push(DraftTarget {
            kind: t.kind.clone(),
            group: None,
            baseline: Decimal::from(b),
            achievable: Decimal::from(a),
            stretch: None,
            phrase_en: format!(
                "Criterion {criterion} of the {} set ({name_en}): {a}/{total} communes (now {b}); no project raises it; the scenario's target is {} by {}",
                level.as_str(),
                t.value.normalize(),
                t.year
            ),
            phrase_vi: format!(
                "Tiêu chí số {criterion} ({name_vi}) thuộc Bộ tiêu chí xã nông thôn mới nâng cao: {a}/{total} xã (hiện nay {b} xã); chưa có dự án nâng tiêu chí này; chỉ tiêu của kịch bản: {} xã đến năm {}",
                crate::number::format_trimmed(t.value, 2, crate::number::NumberStyle::Vietnamese),
                t.year
            ),
        });
    }
    drafted
}

/// Indicators the scenario values at baseline (indicators.csv), in catalog order: the ones a
/// draft counts communes of.
fn valued_indicators<'a>(
    scenario: &'a Scenario,
    before: &Evaluation,
) -> impl Iterator<Item = &'a crate::catalog::Indicator> {
    let valued: Vec<String> = before
        .indicator_counts
        .iter()
        .filter(|c| c.valued > 0)
        .map(|c| c.id.clone())
        .collect();
    scenario
        .catalog
        .indicators
        .iter()
        .filter(move |i| valued.contains(&i.id))
}

/// Indicator targets (số xã đạt chỉ tiêu …), one per indicator the scenario values, counting
/// every commune or, with `group`, that group's communes only ([`Evaluation::indicator_met`]).
fn indicator_targets(
    scenario: &Scenario,
    before: &Evaluation,
    after: &Evaluation,
    group: Option<CommuneGroup>,
) -> Vec<DraftTarget> {
    let total = match group {
        None => after.summary.communes,
        Some(g) => group_communes(after, g),
    };
    valued_indicators(scenario, before)
        .map(|i| {
            let (b, a) = (
                before.indicator_met(&i.id, group),
                after.indicator_met(&i.id, group),
            );
            let (en, vi) = phrases(
                &format!(
                    "{} meeting indicator {} (criterion {})",
                    communes_en(group),
                    i.name_en,
                    i.criterion
                ),
                &format!(
                    "{} đạt chỉ tiêu {} (tiêu chí số {})",
                    communes_vi(group),
                    i.name_vi,
                    i.criterion
                ),
                b,
                a,
                total,
            );
            DraftTarget {
                kind: TargetKind::Indicator {
                    indicator: i.id.clone(),
                },
                group,
                baseline: Decimal::from(b),
                achievable: Decimal::from(a),
                stretch: None,
                phrase_en: en,
                phrase_vi: vi,
            }
        })
        .collect()
}

/// "Communes" / "Group 2 communes".
fn communes_en(group: Option<CommuneGroup>) -> String {
    group.map_or("Communes".to_string(), |g| {
        format!("Group {} communes", g.number())
    })
}

/// "Số xã" / "Số xã nhóm 2".
fn communes_vi(group: Option<CommuneGroup>) -> String {
    group.map_or("Số xã".to_string(), |g| {
        format!("Số xã {}", g.label_vi())
    })
}

/// Communes of `group` in an evaluation (0 for a group the catalog does not have).
fn group_communes(e: &Evaluation, group: CommuneGroup) -> usize {
    e.groups
        .iter()
        .find(|g| g.group == group)
        .map_or(0, |g| g.communes)
}

/// Per commune group with communes, in group order: communes at standard ("số xã nhóm N đạt
/// chuẩn"), each criterion ("số xã nhóm N đạt tiêu chí số …") and each indicator the scenario
/// values, each out of that group's communes. Empty under a catalog without groups.
fn group_targets(scenario: &Scenario, before: &Evaluation, after: &Evaluation) -> Vec<DraftTarget> {
    let mut targets = Vec::new();
    for summary in after.groups.iter().filter(|g| g.communes > 0) {
        let g = summary.group;
        let total = summary.communes;
        let mut push = |kind: TargetKind, name: (String, String), b: usize, a: usize| {
            let (en, vi) = phrases(&name.0, &name.1, b, a, total);
            targets.push(DraftTarget {
                kind,
                group: Some(g),
                baseline: Decimal::from(b),
                achievable: Decimal::from(a),
                stretch: None,
                phrase_en: en,
                phrase_vi: vi,
            });
        };
        push(
            TargetKind::Tier {
                tier: TierId::Standard,
            },
            (
                format!("{} at standard", communes_en(Some(g))),
                format!("{} đạt chuẩn nông thôn mới", communes_vi(Some(g))),
            ),
            before.group_met(g, None),
            after.group_met(g, None),
        );
        for c in &after.criteria {
            push(
                TargetKind::Criterion { criterion: c.id },
                (
                    format!(
                        "{} meeting criterion {} ({})",
                        communes_en(Some(g)),
                        c.id,
                        c.name_en
                    ),
                    format!(
                        "{} đạt tiêu chí số {} ({})",
                        communes_vi(Some(g)),
                        c.id,
                        c.name_vi
                    ),
                ),
                before.group_met(g, Some(c.id)),
                after.group_met(g, Some(c.id)),
            );
        }
        targets.extend(indicator_targets(scenario, before, after, Some(g)));
    }
    targets
}

/// The `[[targets]]` TOML of drafted targets.
pub fn targets_toml(d: &Drafting) -> String {
    let mut out = format!(
        "# Targets for end-{} drafted by `ntm targets` from scenario {} ({} million VND in {}).\n# Reachable together by one plan (most communes at standard; criterion counts of the plan with\n# most criteria met where the money allows both); a draft, not an official target.\n",
        d.year,
        d.scenario,
        d.budget.normalize(),
        d.year
    );
    if let Some(note) = &d.synthetic {
        out.push_str(&format!("# SYNTHETIC DATA: {note}\n"));
    }
    let source = format!(
        "drafted by ntm targets from scenario {}{}",
        d.scenario,
        if d.synthetic.is_some() {
            " (synthetic data)"
        } else {
            ""
        }
    );
    for t in &d.targets {
        out.push_str(&format!("\n[[targets]]\nyear = {}\n", d.year));
        match &t.kind {
            TargetKind::Criterion { criterion } => out.push_str(&format!(
                "criterion = {criterion}\ncommunes = {}\n",
                t.achievable
            )),
            TargetKind::LevelCriterion { criterion, level } => out.push_str(&format!(
                "criterion = {criterion}\nlevel = \"{}\"\ncommunes = {}\n",
                level.as_str(),
                t.achievable
            )),
            TargetKind::Tier { tier } => out.push_str(&format!(
                "tier = \"{}\"\ncommunes = {}\n",
                tier.as_str(),
                t.achievable
            )),
            TargetKind::Band { band } => {
                out.push_str(&format!("band = \"{band}\"\ncommunes = {}\n", t.achievable))
            }
            TargetKind::AverageCriteria => out.push_str(&format!(
                "average_criteria = \"{}\"\n",
                t.achievable.normalize()
            )),
            TargetKind::MinCriteria { min } => out.push_str(&format!(
                "min_criteria = {min}\ncommunes = {}\n",
                t.achievable
            )),
            TargetKind::Indicator { indicator } => out.push_str(&format!(
                "indicator = \"{indicator}\"\ncommunes = {}\n",
                t.achievable
            )),
        }
        if let Some(g) = t.group {
            out.push_str(&format!("group = {}\n", g.number()));
        }
        out.push_str(&format!(
            "source = \"{source}: {}\"\n",
            t.phrase_en.replace('"', "'")
        ));
    }
    out
}

/// Drafts the year's targets from the scenario's whole budget of that year.
pub fn draft(scenario: &Scenario, options: &DraftOptions) -> Result<Drafting> {
    let year = crate::rules::budget_year(scenario, options.year)?;
    let all: Vec<String> = scenario
        .capital_sources
        .iter()
        .map(|s| s.id.clone())
        .collect();
    let base = without_targets(one_year(scenario, year, &all));
    let with = |objective| PlanOptions {
        objective,
        ..options.plan.clone()
    };
    let best = resolve_plan(&base, &with(Objective::MaxStandard), None)?;
    let broad = resolve_plan(&base, &with(Objective::MaxCriteria), None)?;
    let before = evaluate::evaluate(&base);
    let standard = best.after.summary.standard;
    let standard_kind = TargetKind::Tier {
        tier: TierId::Standard,
    };
    let with_targets = |wanted: &[(TargetKind, usize)]| {
        with_targets(&base, year, wanted, "ntm targets: joint check")
    };
    let mut trade_offs = Vec::new();
    if broad.after.summary.standard < standard
        && broad.after.summary.total_criteria > best.after.summary.total_criteria
    {
        trade_offs.push(TradeOff {
            first: format!("communes at standard ≥ {standard}"),
            second: format!(
                "criteria met ≥ {} in all",
                broad.after.summary.total_criteria
            ),
            explanation: {
                let (criteria, standard) = (
                    u64::from(best.after.summary.total_criteria),
                    broad.after.summary.standard as u64,
                );
                format!(
                    "kế hoạch nhiều xã đạt chuẩn nhất đạt tổng {} tiêu chí; kế hoạch nhiều tiêu chí nhất có {} xã đạt chuẩn (the plan with most communes at standard meets {} criteria in all; the plan with most criteria met reaches {} communes at standard)",
                    format_count(criteria, VI),
                    format_count(standard, VI),
                    format_count(criteria, EN),
                    format_count(standard, EN)
                )
            },
        });
    }
    let mut gaps: Vec<(usize, u8, usize)> = best
        .after
        .criteria
        .iter()
        .zip(&broad.after.criteria)
        .filter(|(a, b)| b.met > a.met)
        .map(|(a, b)| (b.met - a.met, a.id, b.met))
        .collect();
    gaps.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    // The best plan's standard count with every criterion count of the broad plan: when the
    // money allows all of it together, the draft takes that plan.
    let mut chosen = best;
    if !gaps.is_empty() {
        let mut wanted = vec![(standard_kind.clone(), standard)];
        wanted.extend(gaps.iter().map(|(_, criterion, count)| {
            (
                TargetKind::Criterion {
                    criterion: *criterion,
                },
                *count,
            )
        }));
        let joint = resolve_plan(&with_targets(&wanted), &with(Objective::MinCost), None)?;
        if joint.status.meets_all_targets() {
            chosen = joint;
            gaps.clear();
        }
    }
    let mut stretches = Vec::new();
    for (_, criterion, count) in gaps.into_iter().take(TRADE_OFF_CHECKS) {
        let wanted = [
            (standard_kind.clone(), standard),
            (TargetKind::Criterion { criterion }, count),
        ];
        let joint = resolve_plan(&with_targets(&wanted), &with(Objective::MinCost), None)?;
        if joint.status.meets_all_targets() {
            stretches.push((criterion, count));
        } else {
            trade_offs.push(TradeOff {
                first: format!("communes at standard ≥ {standard}"),
                second: format!("c{criterion} ≥ {count}"),
                explanation: format!(
                    "mỗi chỉ tiêu đạt được riêng lẻ, cả hai cùng lúc cần hơn {} triệu đồng của năm {year} (each is reachable alone, both together need more than the {} million VND of {year})",
                    format_money(budget_in(&base, year), VI),
                    format_money(budget_in(&base, year), EN)
                ),
            });
        }
    }
    let mut targets = draft_targets(&base, &before, &chosen.after);
    targets.extend(level_targets(scenario, &before, &chosen.after));
    targets.extend(indicator_targets(&base, &before, &chosen.after, None));
    targets.extend(group_targets(&base, &before, &chosen.after));
    for (criterion, count) in stretches {
        if let Some(t) = targets
            .iter_mut()
            .find(|t| t.kind == TargetKind::Criterion { criterion } && t.group.is_none())
        {
            t.stretch = Some(Decimal::from(count));
        }
    }
    let mut drafting = Drafting {
        synthetic: scenario.synthetic.clone(),
        scenario: scenario.name.clone(),
        year,
        communes: base.communes.len(),
        budget: budget_in(&base, year),
        plan_status: chosen.status,
        targets,
        trade_offs,
        toml: String::new(),
    };
    drafting.toml = targets_toml(&drafting);
    Ok(drafting)
}
