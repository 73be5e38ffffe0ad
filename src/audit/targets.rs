//! Target checks (kiểm tra chỉ tiêu): no target below the baseline, none above the commune
//! count, an average target the per-criterion targets can give, band targets that fit the
//! communes, and a commune × criterion matrix that meets all targets of a year at once.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::words;
use super::{
    bands_in_order, count_figure, criteria_list, criterion_key, missing_criteria, row_groups,
    top_band, Figure, Finding, Recorder, Severity,
};
use crate::bilingual::{self, Bilingual};
use crate::catalog::TierId;
use crate::consistency::{self, CountKind, CountingProblem};
use crate::evaluate::evaluate;
use crate::number::round_half_up;
use crate::scenario::{Scenario, Target, TargetKind};

/// What targets are compared with: the published status or the communes file.
struct Baseline {
    /// From the published figures (else from the communes file).
    published: bool,
    year: u16,
    criteria: BTreeMap<u8, u32>,
    tiers: BTreeMap<TierId, u32>,
    average: Option<Decimal>,
}

impl Baseline {
    /// Where the numbers come from (`hiện trạng công bố năm 2022`).
    fn label(&self) -> Bilingual {
        let from = if self.published {
            words::PUBLISHED_STATUS
        } else {
            words::COMMUNES_FILE
        };
        Bilingual::new(
            format!("{} năm {}", from.vi, self.year),
            format!("{} {}", from.en, self.year),
        )
    }
}

fn baseline(scenario: &Scenario) -> Option<Baseline> {
    let p = &scenario.published;
    let criteria: BTreeMap<u8, u32> = p
        .criteria
        .iter()
        .filter_map(|(k, v)| criterion_key(k).map(|id| (id, *v)))
        .collect();
    let tiers: BTreeMap<TierId, u32> = [
        (TierId::Standard, p.standard),
        (TierId::Advanced, p.advanced),
        (TierId::Model, p.model),
    ]
    .into_iter()
    .filter_map(|(t, v)| v.map(|v| (t, v)))
    .collect();
    let average = p.average_criteria.map(|a| a.0);
    if !criteria.is_empty() || !tiers.is_empty() || average.is_some() {
        let year = p.year.unwrap_or(scenario.baseline_year);
        return Some(Baseline {
            published: true,
            year,
            criteria,
            tiers,
            average,
        });
    }
    if scenario.communes.is_empty() {
        return None;
    }
    let e = evaluate(scenario);
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Some(Baseline {
        published: false,
        year: scenario.baseline_year,
        criteria: e.criteria.iter().map(|c| (c.id, count(c.met))).collect(),
        tiers: BTreeMap::from([
            (TierId::Standard, count(e.summary.standard)),
            (TierId::Advanced, count(e.summary.advanced)),
            (TierId::Model, count(e.summary.model)),
        ]),
        average: Some(round_half_up(e.summary.average_criteria, 2)),
    })
}

fn figure(scenario: &Scenario, t: &Target) -> Figure {
    let key = match &t.kind {
        TargetKind::Criterion { criterion } => format!("c{criterion}"),
        TargetKind::LevelCriterion { criterion, level } => {
            format!("{}.c{criterion}", level.as_str())
        }
        TargetKind::Tier { tier } => tier.as_str().to_string(),
        TargetKind::Band { band } => format!("band.{band}"),
        TargetKind::AverageCriteria => "average_criteria".into(),
        TargetKind::MinCriteria { min } => format!("min_criteria.{min}"),
        TargetKind::Indicator { indicator } => format!("indicator.{indicator}"),
    };
    let key = match t.group {
        Some(g) => format!("group{}.{key}", g.number()),
        None => key,
    };
    Figure::new(
        format!("targets.{}.{key}", t.year),
        Bilingual::new(
            format!("chỉ tiêu {}: {}", t.year, t.name_vi(&scenario.catalog)),
            format!("target {}: {}", t.year, t.name(&scenario.catalog)),
        ),
        t.value.normalize(),
        unit_of(t),
        Bilingual::same(t.source.clone()),
    )
}

/// The unit a target counts in.
fn unit_of(t: &Target) -> &'static str {
    match t.kind {
        TargetKind::AverageCriteria => "criteria per commune",
        _ => "communes",
    }
}

/// The baseline figure a target is compared with.
fn baseline_figure(scenario: &Scenario, base: &Baseline, t: &Target, value: Decimal) -> Figure {
    let field = match &t.kind {
        TargetKind::Criterion { criterion } => format!("criteria.c{criterion}"),
        TargetKind::Tier { tier } => tier.as_str().to_string(),
        _ => "average_criteria".into(),
    };
    let (name, source) = if base.published {
        let name = format!("published.{field}");
        let source = Bilingual::same(super::source_of(scenario, &name));
        (name, source)
    } else {
        let source = match scenario.synthetic {
            Some(_) => words::data_source(
                scenario.synthetic.as_deref(),
                scenario.synthetic_vi.as_deref(),
            ),
            None => words::COMMUNES_FILE.said(),
        };
        (format!("communes.{field}"), source)
    };
    Figure::new(
        name,
        Bilingual::new(
            format!("hiện trạng {}: {}", base.year, t.name_vi(&scenario.catalog)),
            format!("baseline {}: {}", base.year, t.name(&scenario.catalog)),
        ),
        value.normalize(),
        unit_of(t),
        source,
    )
}

/// A count target as a whole number of communes (rounded up).
fn whole(value: Decimal) -> u32 {
    u32::try_from(value.ceil()).unwrap_or(u32::MAX)
}

/// Runs the target checks.
pub(super) fn check(scenario: &Scenario, r: &mut Recorder) {
    stated_targets(scenario, r);
    if scenario.targets.is_empty() {
        return;
    }
    group_targets_within_groups(scenario, r);
    increases_match(scenario, r);
    let communes = scenario.published.communes.or_else(|| {
        (!scenario.communes.is_empty()).then(|| u32::try_from(scenario.communes.len()).unwrap_or(0))
    });
    let base = baseline(scenario);
    let mut by_year: BTreeMap<u16, Vec<&Target>> = BTreeMap::new();
    // A group target counts a part of the province: the province-wide checks below compare
    // the province's counts, so they leave it out (`group_targets_within_groups` checks it).
    for t in scenario.targets.iter().filter(|t| t.group.is_none()) {
        by_year.entry(t.year).or_default().push(t);
    }
    carry_criterion_targets(&mut by_year);
    for (year, targets) in by_year {
        if let Some(b) = base.as_ref().filter(|b| b.year < year) {
            above_baseline(scenario, year, &targets, b, r);
        }
        tiers_nest(scenario, year, &targets, r);
        levels_nest(scenario, year, &targets, r);
        if let Some(n) = communes {
            within_communes(scenario, year, &targets, n, r);
            average_reachable(scenario, year, &targets, n, base.as_ref(), r);
            bands_fit(scenario, year, &targets, n, r);
            floor_fits_bands(scenario, year, &targets, r);
            feasible(scenario, year, &targets, n, r);
        }
    }
}

/// A criterion target due by an earlier year still holds later ("năm 2023 hoàn thành 100% quy
/// hoạch" holds in 2025): each year also gets the latest earlier target of every criterion it
/// has none for.
fn carry_criterion_targets(by_year: &mut BTreeMap<u16, Vec<&Target>>) {
    let years: Vec<u16> = by_year.keys().copied().collect();
    for (i, year) in years.iter().enumerate() {
        let mut carried = Vec::new();
        for earlier in years[..i].iter().rev() {
            for t in &by_year[earlier] {
                let TargetKind::Criterion { criterion } = t.kind else {
                    continue;
                };
                let has = |list: &[&Target]| {
                    list.iter()
                        .any(|x| x.kind == TargetKind::Criterion { criterion })
                };
                if !has(&by_year[year]) && !has(&carried) {
                    carried.push(*t);
                }
            }
        }
        if let Some(list) = by_year.get_mut(year) {
            list.extend(carried);
        }
    }
}

/// A target on a criterion of the advanced set counts communes that meet the standard
/// criteria it continues ("60/94 xã đạt tiêu chí … trong đó có 2 xã đạt tiêu chí NTM nâng
/// cao"): it cannot exceed their targets of the same year.
fn levels_nest(scenario: &Scenario, year: u16, targets: &[&Target], r: &mut Recorder) {
    let mut figures = Vec::new();
    let mut lines = Vec::new();
    for t in targets {
        let TargetKind::LevelCriterion { criterion, .. } = t.kind else {
            continue;
        };
        let Some(advanced) = scenario.catalog.advanced_criterion(criterion) else {
            continue;
        };
        for standard in &advanced.standard {
            let Some(outer) = targets.iter().find(|o| {
                o.kind
                    == TargetKind::Criterion {
                        criterion: *standard,
                    }
            }) else {
                continue;
            };
            let compared = |relation: &str| {
                Bilingual::new(
                    format!(
                        "{} {} {relation} {} {}",
                        t.name_vi(&scenario.catalog),
                        r.num(t.value),
                        outer.name_vi(&scenario.catalog),
                        r.num(outer.value)
                    ),
                    format!(
                        "{} {} {relation} {} {}",
                        t.name(&scenario.catalog),
                        r.num(t.value),
                        outer.name(&scenario.catalog),
                        r.num(outer.value)
                    ),
                )
            };
            if t.value <= outer.value {
                figures.push(figure(scenario, t));
                lines.push(compared("≤"));
            } else {
                let arithmetic = [compared(">")];
                r.find(Finding {
                    check: "target-level",
                    severity: Severity::Error,
                    message: format!(
                        "{year}: {} communes meeting {} at the advanced level, but only {} meeting {}",
                        t.value.normalize(),
                        t.name(&scenario.catalog),
                        outer.value.normalize(),
                        outer.name(&scenario.catalog)
                    ),
                    message_vi: format!(
                        "{year}: {} xã đạt {} ở mức nâng cao, nhưng chỉ {} xã đạt {}",
                        r.num(t.value),
                        t.name_vi(&scenario.catalog),
                        r.num(outer.value),
                        outer.name_vi(&scenario.catalog)
                    ),
                    figures: vec![figure(scenario, t), figure(scenario, outer)],
                    arithmetic: bilingual::en(&arithmetic),
                    arithmetic_vi: bilingual::vi(&arithmetic),
                    fix: Some("the advanced-level count is part of the standard-level count (\"trong đó\"): lower it or raise the standard target".into()),
                    fix_vi: Some("số xã mức nâng cao nằm trong số xã mức đạt chuẩn (\"trong đó\"): giảm số này hoặc tăng chỉ tiêu đạt chuẩn".into()),
                });
            }
        }
    }
    if !lines.is_empty() {
        r.pass(
            "target-level",
            (
                format!(
                    "{year}: {} chỉ tiêu mức nâng cao nằm trong chỉ tiêu mức đạt chuẩn tương ứng",
                    lines.len()
                ),
                format!(
                    "{year}: {} advanced-level target(s) fit inside the standard-level targets they are part of",
                    lines.len()
                ),
            ),
            figures,
            lines,
        );
    }
}

/// The document's other targets, kept as written: listed so that none is lost from sight.
fn stated_targets(scenario: &Scenario, r: &mut Recorder) {
    if scenario.stated_targets.is_empty() {
        return;
    }
    let figures: Vec<Figure> = scenario
        .stated_targets
        .iter()
        .map(|t| {
            Figure::new(
                format!("stated_targets.{}", t.id),
                Bilingual::same(format!("{} ({})", t.label, t.year)),
                t.value.0.normalize(),
                &t.unit,
                Bilingual::same(t.source.clone()),
            )
        })
        .collect();
    r.find(Finding {
        check: "target-stated",
        severity: Severity::Info,
        message: format!(
            "{} more target(s) of the document are kept as written (chỉ tiêu khác); no commune count of the catalog measures them, so nothing plans with them",
            figures.len()
        ),
        message_vi: format!(
            "{} chỉ tiêu khác của văn bản được giữ nguyên như văn bản ghi; không số xã nào của bộ tiêu chí đo được chúng, nên không kế hoạch nào dùng chúng",
            figures.len()
        ),
        figures,
        arithmetic: Vec::new(),
        arithmetic_vi: Vec::new(),
        fix: None,
        fix_vi: None,
    });
}

/// A target the document writes as an increase ("thêm N xã", "xây dựng N xã"): our reading
/// `value` must be the baseline plus that increase.
fn increases_match(scenario: &Scenario, r: &mut Recorder) {
    let mut evaluation = None;
    for t in scenario
        .targets
        .iter()
        .filter(|t| t.added.is_some() && t.group.is_none())
    {
        let added = t.added.unwrap_or_default();
        let published = match &t.kind {
            TargetKind::Criterion { criterion } => scenario
                .published
                .criteria
                .get(&format!("c{criterion}"))
                .copied(),
            TargetKind::Tier { tier } => match tier {
                TierId::Standard => scenario.published.standard,
                TierId::Advanced => scenario.published.advanced,
                TierId::Model => scenario.published.model,
            },
            _ => None,
        };
        let (baseline, from) = match published {
            Some(v) => (Some(v), words::PUBLISHED_STATUS),
            None if !scenario.communes.is_empty() => {
                let e = evaluation.get_or_insert_with(|| evaluate(scenario));
                let count = match &t.kind {
                    TargetKind::Criterion { criterion } => e
                        .criteria
                        .iter()
                        .find(|c| c.id == *criterion)
                        .map(|c| c.met),
                    TargetKind::Tier { tier } => Some(match tier {
                        TierId::Standard => e.summary.standard,
                        TierId::Advanced => e.summary.advanced,
                        TierId::Model => e.summary.model,
                    }),
                    _ => None,
                };
                (
                    count.map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
                    words::COMMUNES_FILE,
                )
            }
            None => (None, words::COMMUNES_FILE),
        };
        let Some(baseline) = baseline else {
            continue;
        };
        let reading = Decimal::from(baseline) + Decimal::from(added);
        let (baseline_n, added_n, reading_n, target_n) = (
            r.count(baseline),
            r.count(added),
            r.num(reading),
            r.num(t.value),
        );
        let arithmetic = vec![Bilingual::new(
            format!(
                "{} năm {}: {baseline_n} + {added_n} tăng thêm = {reading_n}; chỉ tiêu ghi {target_n}",
                from.vi, scenario.baseline_year,
            ),
            format!(
                "{} {}: {baseline_n} + {added_n} added = {reading_n}; the target reads {target_n}",
                from.en, scenario.baseline_year,
            ),
        )];
        if reading == t.value {
            r.pass(
                "target-added",
                (
                    format!(
                        "{} {}: văn bản tăng thêm {} so với hiện trạng, cho đúng chỉ tiêu",
                        t.year,
                        t.name_vi(&scenario.catalog),
                        r.count(added)
                    ),
                    format!(
                        "{} {}: the document's increase of {added} over the baseline gives the target",
                        t.year,
                        t.name(&scenario.catalog)
                    ),
                ),
                vec![figure(scenario, t)],
                arithmetic,
            );
        } else {
            r.find(Finding {
                check: "target-added",
                severity: Severity::Warning,
                message: format!(
                    "{} {}: the document adds {added} to the baseline {baseline}, which gives {}, but the target is {}",
                    t.year,
                    t.name(&scenario.catalog),
                    reading.normalize(),
                    t.value.normalize()
                ),
                message_vi: format!(
                    "{} {}: văn bản thêm {} vào hiện trạng {}, được {}, nhưng chỉ tiêu là {}",
                    t.year,
                    t.name_vi(&scenario.catalog),
                    r.count(added),
                    r.count(baseline),
                    r.num(reading),
                    r.num(t.value)
                ),
                figures: vec![figure(scenario, t)],
                arithmetic: bilingual::en(&arithmetic),
                arithmetic_vi: bilingual::vi(&arithmetic),
                fix: Some(format!("set communes = {} (baseline + added)", reading.normalize())),
                fix_vi: Some(format!(
                    "đặt communes = {} (hiện trạng + phần thêm)",
                    reading.normalize()
                )),
            });
        }
    }
}

fn above_baseline(
    scenario: &Scenario,
    year: u16,
    targets: &[&Target],
    base: &Baseline,
    r: &mut Recorder,
) {
    let mut compared = 0;
    let mut below = false;
    for t in targets {
        let baseline = match &t.kind {
            TargetKind::Criterion { criterion } => {
                base.criteria.get(criterion).map(|v| Decimal::from(*v))
            }
            TargetKind::Tier { tier } => base.tiers.get(tier).map(|v| Decimal::from(*v)),
            TargetKind::AverageCriteria => base.average,
            _ => None,
        };
        let Some(baseline) = baseline else {
            continue;
        };
        compared += 1;
        if t.value < baseline {
            below = true;
            let name = t.name(&scenario.catalog);
            let label = base.label();
            let arithmetic = [Bilingual::new(
                format!(
                    "{} < {} (hiện trạng {}, {})",
                    r.num(t.value),
                    r.num(baseline),
                    base.year,
                    label.vi
                ),
                format!(
                    "{} < {} (baseline {}, {})",
                    r.num(t.value),
                    r.num(baseline),
                    base.year,
                    label.en
                ),
            )];
            r.find(Finding {
                check: "target-baseline",
                severity: Severity::Warning,
                message: format!(
                    "target {year} for {name} ({}) is below the {} ({})",
                    r.num(t.value),
                    label.en,
                    r.num(baseline)
                ),
                message_vi: format!(
                    "chỉ tiêu {year} về {} ({}) thấp hơn {} ({})",
                    t.name_vi(&scenario.catalog),
                    r.num(t.value),
                    label.vi,
                    r.num(baseline)
                ),
                figures: vec![
                    figure(scenario, t),
                    baseline_figure(scenario, base, t, baseline),
                ],
                arithmetic: bilingual::en(&arithmetic),
                arithmetic_vi: bilingual::vi(&arithmetic),
                fix: Some(format!(
                    "a target keeps at least the baseline: {} or more, unless a loss is planned",
                    r.num(baseline)
                )),
                fix_vi: Some(format!(
                    "chỉ tiêu ít nhất giữ bằng hiện trạng: từ {} trở lên, trừ khi dự kiến giảm",
                    r.num(baseline)
                )),
            });
        }
    }
    if compared > 0 && !below {
        r.pass(
            "target-baseline",
            (
                format!(
                    "{compared} chỉ tiêu năm {year} có hiện trạng đều bằng hoặc cao hơn {}",
                    base.label().vi
                ),
                format!(
                    "the {compared} targets for {year} that have a baseline are at or above the {}",
                    base.label().en
                ),
            ),
            Vec::new(),
            Vec::new(),
        );
    }
}

/// A group target (số xã nhóm 2 đạt …) asks for no more communes than its group has.
fn group_targets_within_groups(scenario: &Scenario, r: &mut Recorder) {
    let mut counted = 0;
    let mut above = false;
    for t in &scenario.targets {
        let Some(g) = t.group else {
            continue;
        };
        counted += 1;
        let n = scenario
            .communes
            .iter()
            .filter(|c| crate::scenario::counts_toward(Some(g), c))
            .count();
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        if t.value > Decimal::from(n) {
            above = true;
            r.find(Finding {
                check: "target-group-communes",
                severity: Severity::Error,
                message: format!(
                    "target {} for {} is {} communes, but group {} has {n}",
                    t.year,
                    t.name(&scenario.catalog),
                    r.num(t.value),
                    g.number()
                ),
                message_vi: format!(
                    "chỉ tiêu {} về {} là {} xã, nhưng {} chỉ có {} xã",
                    t.year,
                    t.name_vi(&scenario.catalog),
                    r.num(t.value),
                    g.label_vi(),
                    r.count(n)
                ),
                figures: vec![
                    figure(scenario, t),
                    count_figure(
                        scenario,
                        &format!("communes.group{}", g.number()),
                        Bilingual::new(
                            format!("số xã {}", g.label_vi()),
                            format!("communes in group {}", g.number()),
                        ),
                        n,
                    ),
                ],
                arithmetic: vec![format!("{} > {n}", r.num(t.value))],
                arithmetic_vi: vec![format!("{} > {}", r.num(t.value), r.count(n))],
                fix: Some(format!("at most {n}")),
                fix_vi: Some(format!("nhiều nhất {}", r.count(n))),
            });
        }
    }
    if counted > 0 && !above {
        r.pass(
            "target-group-communes",
            (
                "không chỉ tiêu theo nhóm xã nào vượt số xã của nhóm".to_string(),
                "no group target exceeds its group's communes".to_string(),
            ),
            Vec::new(),
            Vec::new(),
        );
    }
}

fn within_communes(scenario: &Scenario, year: u16, targets: &[&Target], n: u32, r: &mut Recorder) {
    let mut counted = 0;
    let mut above = false;
    for t in targets {
        if matches!(t.kind, TargetKind::AverageCriteria) {
            continue;
        }
        counted += 1;
        if t.value > Decimal::from(n) {
            above = true;
            r.find(Finding {
                check: "target-communes",
                severity: Severity::Error,
                message: format!(
                    "target {year} for {} is {} communes, but there are {n}",
                    t.name(&scenario.catalog),
                    r.num(t.value)
                ),
                message_vi: format!(
                    "chỉ tiêu {year} về {} là {} xã, nhưng chỉ có {} xã",
                    t.name_vi(&scenario.catalog),
                    r.num(t.value),
                    r.count(n)
                ),
                figures: vec![
                    figure(scenario, t),
                    count_figure(scenario, "published.communes", words::COMMUNES.said(), n),
                ],
                arithmetic: vec![format!("{} > {n}", r.num(t.value))],
                arithmetic_vi: vec![format!("{} > {}", r.num(t.value), r.count(n))],
                fix: Some(format!("at most {n}")),
                fix_vi: Some(format!("nhiều nhất {}", r.count(n))),
            });
        }
    }
    if counted > 0 && !above {
        r.pass(
            "target-communes",
            (
                format!("không chỉ tiêu nào năm {year} vượt {} xã", r.count(n)),
                format!("no target for {year} exceeds the {n} communes"),
            ),
            Vec::new(),
            Vec::new(),
        );
    }
}

fn average_reachable(
    scenario: &Scenario,
    year: u16,
    targets: &[&Target],
    n: u32,
    base: Option<&Baseline>,
    r: &mut Recorder,
) {
    let Some(average) = targets
        .iter()
        .find(|t| t.kind == TargetKind::AverageCriteria)
    else {
        return;
    };
    let criteria: BTreeMap<u8, u32> = targets
        .iter()
        .filter_map(|t| match t.kind {
            TargetKind::Criterion { criterion } => Some((criterion, whole(t.value))),
            _ => None,
        })
        .collect();
    if criteria.is_empty() || n == 0 {
        return;
    }
    // The average is a floor: the criteria met must total at least average × communes.
    let Some(product) = average.value.checked_mul(Decimal::from(n)) else {
        return;
    };
    let Ok(needed) = u64::try_from(product.ceil()) else {
        return;
    };
    let sum: u64 = criteria.values().map(|&c| u64::from(c)).sum();
    let missing = missing_criteria(&scenario.catalog, &criteria);
    let mut figures = vec![figure(scenario, average)];
    figures.extend(
        targets
            .iter()
            .filter(|t| matches!(t.kind, TargetKind::Criterion { .. }))
            .map(|t| figure(scenario, t)),
    );
    let terms: Vec<String> = criteria.values().map(|v| r.count(*v)).collect();
    let (average_n, n_n, product_n, needed_n) = (
        r.published(average.value),
        r.count(n),
        r.num(product),
        r.count(needed),
    );
    let (terms, sum_n) = (terms.join(" + "), r.count(sum));
    let mut arithmetic = vec![
        Bilingual::new(
            format!("bình quân {average_n} × {n_n} xã = {product_n} → ít nhất {needed_n} tiêu chí đạt"),
            format!("average {average_n} × {n_n} communes = {product_n} → at least {needed_n} criteria met"),
        ),
        Bilingual::new(
            format!("Σ chỉ tiêu từng tiêu chí = {terms} = {sum_n}"),
            format!("Σ per-criterion targets = {terms} = {sum_n}"),
        ),
    ];
    if missing.is_empty() {
        let given = Decimal::from(sum) / Decimal::from(n);
        arithmetic.push(Bilingual::same(format!(
            "{} ÷ {} = {}",
            r.count(sum),
            r.count(n),
            r.num(round_half_up(given, average.value.scale() + 2))
        )));
        if sum >= needed {
            r.pass(
                "target-average",
                (
                    format!(
                        "chỉ tiêu từng tiêu chí năm {year} cho đúng chỉ tiêu bình quân {}",
                        r.published(average.value)
                    ),
                    format!(
                        "the per-criterion targets for {year} give the average target {}",
                        r.published(average.value)
                    ),
                ),
                figures,
                arithmetic,
            );
        } else {
            r.find(Finding {
                check: "target-average",
                severity: Severity::Warning,
                message: format!(
                    "the per-criterion targets for {year} give an average of {}, below the average target {}",
                    r.num(round_half_up(given, average.value.scale() + 2)),
                    r.published(average.value)
                ),
                message_vi: format!(
                    "chỉ tiêu từng tiêu chí năm {year} cho bình quân {}, thấp hơn chỉ tiêu bình quân {}",
                    r.num(round_half_up(given, average.value.scale() + 2)),
                    r.published(average.value)
                ),
                figures,
                arithmetic: bilingual::en(&arithmetic),
                arithmetic_vi: bilingual::vi(&arithmetic),
                fix_vi: Some(format!(
                    "tăng chỉ tiêu từng tiêu chí thêm {} tổng cộng, hoặc hạ chỉ tiêu bình quân xuống {}",
                    r.count(needed - sum),
                    r.num(given.round_dp_with_strategy(
                        average.value.scale(),
                        rust_decimal::RoundingStrategy::ToZero
                    ))
                )),
                fix: Some(format!(
                    "raise the per-criterion targets by {} in all, or lower the average target to {}",
                    needed - sum,
                    // Cut, not rounded: the lower target must be reachable.
                    r.num(given.round_dp_with_strategy(
                        average.value.scale(),
                        rust_decimal::RoundingStrategy::ToZero
                    ))
                )),
            });
        }
        return;
    }
    let names = criteria_list(&missing);
    let most = u64::from(n) * missing.len() as u64;
    let short = needed.saturating_sub(sum);
    if short > most {
        let sum_line = format!(
            "{} + {} = {} < {}",
            r.count(sum),
            r.count(most),
            r.count(sum + most),
            r.count(needed)
        );
        arithmetic.push(Bilingual::new(
            format!(
                "{names} chưa có chỉ tiêu; kể cả khi cả {} xã đều đạt: {sum_line}",
                r.count(n)
            ),
            format!(
                "no target for {names}; even with all {} communes meeting them: {sum_line}",
                r.count(n)
            ),
        ));
        r.find(Finding {
            check: "target-average",
            severity: Severity::Error,
            message: format!(
                "the average target {} for {year} needs more criteria than all communes meeting {names} can add",
                r.published(average.value)
            ),
            message_vi: format!(
                "chỉ tiêu bình quân {} năm {year} cần nhiều tiêu chí hơn mức mọi xã đạt {names} có thể thêm",
                r.published(average.value)
            ),
            figures,
            arithmetic: bilingual::en(&arithmetic),
            arithmetic_vi: bilingual::vi(&arithmetic),
            fix: Some(format!(
                "raise the per-criterion targets by {} in all, or lower the average target",
                short - most
            )),
            fix_vi: Some(format!(
                "tăng chỉ tiêu từng tiêu chí thêm {} tổng cộng, hoặc hạ chỉ tiêu bình quân",
                r.count(short - most)
            )),
        });
        return;
    }
    let known: Vec<String> = base
        .map(|b| {
            missing
                .iter()
                .filter_map(|id| b.criteria.get(id).map(|v| format!("c{id} {}", r.count(*v))))
                .collect()
        })
        .unwrap_or_default();
    let (note_vi, note) = if known.is_empty() {
        (String::new(), String::new())
    } else {
        (
            format!(" (hiện trạng: {})", known.join(", ")),
            format!(" (baseline: {})", known.join(", ")),
        )
    };
    let difference = format!(
        "{names} ≥ {} − {} = {}",
        r.count(needed),
        r.count(sum),
        r.count(short)
    );
    arithmetic.push(Bilingual::new(
        format!("{names} chưa có chỉ tiêu, nên {difference}{note_vi}"),
        format!("no target for {names}, so {difference}{note}"),
    ));
    r.find(Finding {
        check: "target-average",
        severity: Severity::Info,
        message: format!(
            "the average target {} for {year} needs {names} ≥ {short}, which has no target",
            r.published(average.value)
        ),
        message_vi: format!(
            "chỉ tiêu bình quân {} năm {year} cần {names} ≥ {}, mà {names} chưa có chỉ tiêu",
            r.published(average.value),
            r.count(short)
        ),
        figures,
        arithmetic: bilingual::en(&arithmetic),
        arithmetic_vi: bilingual::vi(&arithmetic),
        fix: Some(format!("add a target of at least {short} for {names}")),
        fix_vi: Some(format!(
            "thêm chỉ tiêu ít nhất {} cho {names}",
            r.count(short)
        )),
    });
}

/// The standard tier target of a year, if any.
fn standard_target<'a>(targets: &[&'a Target]) -> Option<&'a Target> {
    targets.iter().copied().find(|t| {
        t.kind
            == TargetKind::Tier {
                tier: TierId::Standard,
            }
    })
}

/// Band targets of a year, with the standard tier target standing in for the top band when
/// that band has no target of its own (only when some band has a target).
fn band_targets(scenario: &Scenario, targets: &[&Target]) -> BTreeMap<String, u32> {
    let mut bands: BTreeMap<String, u32> = targets
        .iter()
        .filter_map(|t| match &t.kind {
            TargetKind::Band { band } => Some((band.clone(), whole(t.value))),
            _ => None,
        })
        .collect();
    if let (Some(top), Some(standard), false) = (
        top_band(&scenario.catalog),
        standard_target(targets),
        bands.is_empty(),
    ) {
        bands.entry(top).or_insert(whole(standard.value));
    }
    bands
}

fn bands_fit(scenario: &Scenario, year: u16, targets: &[&Target], n: u32, r: &mut Recorder) {
    let bands = band_targets(scenario, targets);
    if bands.is_empty() {
        return;
    }
    let sum: u64 = bands.values().map(|&b| u64::from(b)).sum();
    let all = scenario
        .catalog
        .bands
        .iter()
        .all(|b| bands.contains_key(&b.id));
    let mut figures: Vec<Figure> = targets
        .iter()
        .filter(|t| matches!(t.kind, TargetKind::Band { .. }))
        .map(|t| figure(scenario, t))
        .collect();
    let standard = standard_target(targets);
    figures.extend(standard.map(|t| figure(scenario, t)));
    figures.push(count_figure(
        scenario,
        "published.communes",
        words::COMMUNES.said(),
        n,
    ));
    let terms: Vec<String> = bands_in_order(&scenario.catalog, &bands)
        .iter()
        .map(|(band, n)| format!("{} ({band})", r.count(*n)))
        .collect();
    let (terms, sum_n, n_n) = (terms.join(" + "), r.count(sum), r.count(n));
    let mut arithmetic = vec![Bilingual::new(
        format!("{terms} = {sum_n}; {} {n_n}", words::COMMUNES.vi),
        format!("{terms} = {sum_n}; {} {n_n}", words::COMMUNES.en),
    )];
    let top = top_band(&scenario.catalog).unwrap_or_default();
    let mut problems = Vec::new();
    // Each problem in Vietnamese and in English.
    if sum > u64::from(n) {
        problems.push((
            format!(
                "chỉ tiêu các nhóm có {} xã, nhiều hơn {}",
                r.count(sum),
                r.count(n)
            ),
            format!("the band targets hold {sum} communes, more than {n}"),
        ));
    } else if all && sum < u64::from(n) {
        problems.push((
            format!(
                "chỉ tiêu các nhóm có {} xã, không phải {}",
                r.count(sum),
                r.count(n)
            ),
            format!("the band targets hold {sum} communes, not {n}"),
        ));
    }
    let own_top = targets
        .iter()
        .find(|t| matches!(&t.kind, TargetKind::Band { band } if *band == top));
    if let (Some(at_top), Some(standard)) = (own_top.map(|t| whole(t.value)), standard) {
        arithmetic.push(Bilingual::new(
            format!(
                "nhóm {top}: {}; chỉ tiêu đạt chuẩn: {}",
                r.count(at_top),
                r.num(standard.value)
            ),
            format!(
                "band {top}: {}; standard target: {}",
                r.count(at_top),
                r.num(standard.value)
            ),
        ));
        if Decimal::from(at_top) != standard.value {
            problems.push((
                format!(
                    "chỉ tiêu nhóm {top} là {} nhưng chỉ tiêu đạt chuẩn là {}",
                    r.count(at_top),
                    r.num(standard.value)
                ),
                format!(
                    "band {top} target is {at_top} but the standard target is {}",
                    r.num(standard.value)
                ),
            ));
        }
    }
    if problems.is_empty() {
        r.pass(
            "target-bands",
            (
                format!("chỉ tiêu theo nhóm năm {year} khớp với {} xã", r.count(n)),
                format!("the band targets for {year} fit the {n} communes"),
            ),
            figures,
            arithmetic,
        );
    } else {
        r.find(Finding {
            check: "target-bands",
            severity: Severity::Error,
            message: format!(
                "band targets for {year}: {}",
                problems
                    .iter()
                    .map(|p| p.1.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            message_vi: format!(
                "chỉ tiêu theo nhóm năm {year}: {}",
                problems
                    .iter()
                    .map(|p| p.0.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            figures,
            arithmetic: bilingual::en(&arithmetic),
            arithmetic_vi: bilingual::vi(&arithmetic),
            fix: Some(format!(
                "band targets add up to {n} (all bands) or less, and band {top} equals the standard target"
            )),
            fix_vi: Some(format!(
                "chỉ tiêu các nhóm cộng lại bằng {} (đủ các nhóm) hoặc ít hơn, và nhóm {top} bằng chỉ tiêu đạt chuẩn",
                r.count(n)
            )),
        });
    }
}

fn tiers_nest(scenario: &Scenario, year: u16, targets: &[&Target], r: &mut Recorder) {
    let tier = |tier: TierId| {
        targets
            .iter()
            .copied()
            .find(|t| t.kind == TargetKind::Tier { tier })
    };
    let chain: Vec<&Target> = [TierId::Model, TierId::Advanced, TierId::Standard]
        .into_iter()
        .filter_map(tier)
        .collect();
    if chain.len() < 2 {
        return;
    }
    let shown = |name: &dyn Fn(&Target) -> String| -> String {
        chain
            .iter()
            .map(|t| format!("{} {}", name(t), r.num(t.value)))
            .collect::<Vec<_>>()
            .join(" ≤ ")
    };
    let arithmetic = vec![Bilingual::new(
        shown(&|t| t.name_vi(&scenario.catalog)),
        shown(&|t| t.name(&scenario.catalog)),
    )];
    let figures: Vec<Figure> = chain.iter().map(|t| figure(scenario, t)).collect();
    let broken_in = |name: &dyn Fn(&Target) -> String| -> Vec<String> {
        chain
            .windows(2)
            .filter(|w| w[0].value > w[1].value)
            .map(|w| {
                format!(
                    "{} ({}) > {} ({})",
                    name(w[0]),
                    r.num(w[0].value),
                    name(w[1]),
                    r.num(w[1].value)
                )
            })
            .collect()
    };
    let broken = broken_in(&|t| t.name(&scenario.catalog));
    let broken_vi = broken_in(&|t| t.name_vi(&scenario.catalog));
    if broken.is_empty() {
        r.pass(
            "target-tiers",
            (
                format!("chỉ tiêu các mức năm {year} lồng nhau: kiểu mẫu ≤ nâng cao ≤ đạt chuẩn"),
                format!("the tier targets for {year} nest: model ≤ advanced ≤ standard"),
            ),
            figures,
            arithmetic,
        );
    } else {
        r.find(Finding {
            check: "target-tiers",
            severity: Severity::Error,
            message: format!("tier targets for {year} do not nest: {}", broken.join("; ")),
            message_vi: format!(
                "chỉ tiêu các mức năm {year} không lồng nhau: {}",
                broken_vi.join("; ")
            ),
            figures,
            arithmetic: bilingual::en(&arithmetic),
            arithmetic_vi: bilingual::vi(&arithmetic),
            fix: Some(
                "every model commune is advanced and every advanced commune is at standard".into(),
            ),
            fix_vi: Some(
                "mọi xã kiểu mẫu đều là xã nâng cao, mọi xã nâng cao đều đạt chuẩn".into(),
            ),
        });
    }
}

/// "No commune under `min` criteria" against the band counts of that year (band targets, or
/// the published bands when they describe that year).
fn floor_fits_bands(scenario: &Scenario, year: u16, targets: &[&Target], r: &mut Recorder) {
    let Some((floor, min)) = targets.iter().find_map(|t| match t.kind {
        TargetKind::MinCriteria { min } => Some((*t, min)),
        _ => None,
    }) else {
        return;
    };
    let mut bands = band_targets(scenario, targets);
    let (mut from, mut from_vi) = ("band targets", "chỉ tiêu theo nhóm");
    if bands.is_empty() && scenario.published.year == Some(year) {
        bands = scenario.published.bands.clone();
        (from, from_vi) = ("published bands", "số xã các nhóm công bố");
    }
    let below: Vec<(String, u32)> = scenario
        .catalog
        .bands
        .iter()
        .filter(|b| b.max < min)
        .filter_map(|b| bands.get(&b.id).map(|n| (b.id.clone(), *n)))
        .collect();
    if below.is_empty() {
        return;
    }
    let shown = |word: &str| -> String {
        below
            .iter()
            .map(|(band, n)| format!("{word} {band}: {}", r.count(*n)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let arithmetic = vec![Bilingual::new(
        format!(
            "{from_vi} năm {year} dưới {min} tiêu chí: {}",
            shown("nhóm")
        ),
        format!("{from} {year} under {min} criteria: {}", shown("band")),
    )];
    let figures = vec![figure(scenario, floor)];
    let crowded: Vec<&(String, u32)> = below.iter().filter(|(_, n)| *n > 0).collect();
    if crowded.is_empty() {
        r.pass(
            "target-min-criteria",
            (
                format!("theo {from_vi} năm {year}, không xã nào dưới {min} tiêu chí"),
                format!("no commune is under {min} criteria in the {from} for {year}"),
            ),
            figures,
            arithmetic,
        );
    } else {
        let n: u64 = crowded.iter().map(|(_, n)| u64::from(*n)).sum();
        r.find(Finding {
            check: "target-min-criteria",
            severity: Severity::Error,
            message: format!(
                "the {from} for {year} put {n} commune(s) under {min} criteria, but the target is that none is"
            ),
            message_vi: format!(
                "theo {from_vi} năm {year}, {} xã dưới {min} tiêu chí, nhưng chỉ tiêu là không xã nào",
                r.count(n)
            ),
            figures,
            arithmetic: bilingual::en(&arithmetic),
            arithmetic_vi: bilingual::vi(&arithmetic),
            fix: Some(format!(
                "move those communes to bands of {min} or more criteria, or lower the floor"
            )),
            fix_vi: Some(format!(
                "chuyển các xã đó lên nhóm từ {min} tiêu chí trở lên, hoặc hạ mức sàn"
            )),
        });
    }
}

fn feasible(scenario: &Scenario, year: u16, targets: &[&Target], n: u32, r: &mut Recorder) {
    let bands = band_targets(scenario, targets);
    let criteria: BTreeMap<u8, u32> = targets
        .iter()
        .filter_map(|t| match t.kind {
            TargetKind::Criterion { criterion } => Some((criterion, whole(t.value))),
            _ => None,
        })
        .collect();
    if bands.is_empty() || criteria.is_empty() {
        return;
    }
    let Some(groups) = row_groups(&scenario.catalog, n, &bands) else {
        return;
    };
    let verdict = consistency::check(
        &CountingProblem {
            criteria: u32::try_from(scenario.catalog.criteria_count()).unwrap_or(u32::MAX),
            groups,
            counts: criteria,
            kind: CountKind::AtLeast,
        },
        r.style,
    );
    let figures: Vec<Figure> = targets
        .iter()
        .filter(|t| {
            matches!(
                t.kind,
                TargetKind::Band { .. } | TargetKind::Criterion { .. }
            )
        })
        .map(|t| figure(scenario, t))
        .collect();
    match &verdict.obstruction {
        None => r.pass(
            "target-feasibility",
            (
                format!(
                    "chỉ tiêu theo nhóm và theo từng tiêu chí năm {year} có thể cùng đạt"
                ),
                format!("the band and per-criterion targets for {year} can hold together"),
            ),
            figures,
            verdict.lines(),
        ),
        Some(obstruction) => r.find(Finding {
            check: "target-feasibility",
            severity: Severity::Error,
            message: format!(
                "no commune × criterion matrix meets the band and per-criterion targets for {year}: {}",
                obstruction.explain(r.style)
            ),
            message_vi: format!(
                "không bảng xã × tiêu chí nào đạt cả chỉ tiêu theo nhóm lẫn theo từng tiêu chí năm {year}: {}",
                obstruction.explain_vi(r.style)
            ),
            figures,
            arithmetic: verdict.steps.clone(),
            arithmetic_vi: verdict.steps_vi.clone(),
            fix: Some(obstruction.fix(r.style)),
            fix_vi: Some(obstruction.fix_vi(r.style)),
        }),
    }
}
