//! Status checks (kiểm tra số liệu hiện trạng): communes, bands, tiers, the average, the
//! per-criterion counts, whether a commune × criterion matrix can give them all, villages, and
//! the commune data against the published figures.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::words::{self, Term};
use super::{
    bands_in_order, count_figure, criteria_list, criterion_key, missing_criteria, rounding_slack,
    row_groups, source_of, top_band, Figure, Finding, Recorder, Severity,
};
use crate::bilingual::{self, Bilingual};
use crate::consistency::{self, CountKind, CountingProblem};
use crate::evaluate::evaluate;
use crate::number::{format_fixed, round_half_up};
use crate::scenario::Scenario;

/// Published per-criterion counts keyed by criterion id; unknown keys are reported.
fn criterion_counts(scenario: &Scenario, r: &mut Recorder) -> BTreeMap<u8, u32> {
    let mut counts = BTreeMap::new();
    for (key, &n) in &scenario.published.criteria {
        match criterion_key(key).filter(|id| scenario.catalog.criterion(*id).is_some()) {
            Some(id) => {
                counts.insert(id, n);
            }
            None => r.find(Finding {
                check: "criterion-count",
                severity: Severity::Warning,
                message: format!(
                    "`{key}` in published.criteria is not a criterion of {}",
                    scenario.catalog.id
                ),
                message_vi: format!(
                    "`{key}` trong published.criteria không phải tiêu chí của {}",
                    scenario.catalog.id
                ),
                figures: vec![count_figure(
                    scenario,
                    &format!("published.criteria.{key}"),
                    Bilingual::same(key.clone()),
                    n,
                )],
                arithmetic: Vec::new(),
                arithmetic_vi: Vec::new(),
                fix: Some(format!(
                    "keys are c1..c{}",
                    scenario.catalog.criteria_count()
                )),
                fix_vi: Some(format!(
                    "khóa là c1..c{}",
                    scenario.catalog.criteria_count()
                )),
            }),
        }
    }
    counts
}

/// Band counts, with the standard count standing in for the top band when it is missing.
fn bands_with_standard(scenario: &Scenario) -> BTreeMap<String, u32> {
    let mut bands = scenario.published.bands.clone();
    if let (Some(top), Some(standard)) = (top_band(&scenario.catalog), scenario.published.standard)
    {
        bands.entry(top).or_insert(standard);
    }
    bands
}

/// Runs the status checks.
pub(super) fn check(scenario: &Scenario, r: &mut Recorder) {
    let p = &scenario.published;
    let counts = criterion_counts(scenario, r);
    let communes = p.communes;
    bands_fit(scenario, r);
    tiers_ordered(scenario, r);
    if let Some(n) = communes {
        counts_in_range(scenario, &counts, n, r);
        if let Some(average) = p.average_criteria {
            average_matches_counts(scenario, &counts, n, average.0, r);
            average_fits_bands(scenario, n, average.0, r);
        }
        matrix_feasible(scenario, &counts, n, r);
    }
    villages(scenario, r);
    data_vs_published(scenario, &counts, r);
}

fn band_figures(scenario: &Scenario) -> Vec<Figure> {
    bands_in_order(&scenario.catalog, &scenario.published.bands)
        .into_iter()
        .map(|(band, n)| {
            count_figure(
                scenario,
                &format!("published.bands.{band}"),
                words::in_band(band),
                n,
            )
        })
        .collect()
}

fn bands_fit(scenario: &Scenario, r: &mut Recorder) {
    let p = &scenario.published;
    if p.bands.is_empty() {
        return;
    }
    for band in p.bands.keys() {
        if !scenario.catalog.bands.iter().any(|b| &b.id == band) {
            r.find(Finding {
                check: "communes-bands",
                severity: Severity::Warning,
                message: format!("band `{band}` is not a band of {}", scenario.catalog.id),
                message_vi: format!(
                    "nhóm `{band}` không phải nhóm tiêu chí của {}",
                    scenario.catalog.id
                ),
                figures: band_figures(scenario),
                arithmetic: Vec::new(),
                arithmetic_vi: Vec::new(),
                fix: Some("bands are 19, 15-18, 10-14, 5-9, 0-4".into()),
                fix_vi: Some("các nhóm là 19, 15-18, 10-14, 5-9, 0-4".into()),
            });
        }
    }
    if let (Some(top), Some(standard)) = (top_band(&scenario.catalog), p.standard) {
        if let Some(&at_top) = p.bands.get(&top) {
            let mut figures = band_figures(scenario);
            figures.push(count_figure(
                scenario,
                "published.standard",
                words::AT_STANDARD.said(),
                standard,
            ));
            let arithmetic = vec![Bilingual::new(
                format!(
                    "nhóm {top}: {}; {}: {}",
                    r.count(at_top),
                    words::AT_STANDARD.vi,
                    r.count(standard)
                ),
                format!(
                    "band {top}: {}; at standard: {}",
                    r.count(at_top),
                    r.count(standard)
                ),
            )];
            if at_top == standard {
                r.pass(
                    "communes-standard",
                    (
                        format!("{} xã đạt chuẩn, bằng số xã nhóm {top}", r.count(standard)),
                        format!("{standard} communes at standard, as in band {top}"),
                    ),
                    figures,
                    arithmetic,
                );
            } else {
                r.find(Finding {
                    check: "communes-standard",
                    severity: Severity::Error,
                    message: format!(
                        "{at_top} communes meet all criteria but {standard} are at standard"
                    ),
                    message_vi: format!(
                        "{} xã đạt đủ tiêu chí nhưng {} xã đạt chuẩn",
                        r.count(at_top),
                        r.count(standard)
                    ),
                    figures,
                    arithmetic: bilingual::en(&arithmetic),
                    arithmetic_vi: bilingual::vi(&arithmetic),
                    fix: Some(
                        "a commune is at standard exactly when it meets every criterion: the two counts are equal"
                            .into(),
                    ),
                    fix_vi: Some(
                        "xã đạt chuẩn khi và chỉ khi đạt đủ mọi tiêu chí: hai số phải bằng nhau".into(),
                    ),
                });
            }
        }
    }
    let Some(n) = p.communes else {
        return;
    };
    // The standard count stands in for band 19 when that band is not published.
    let bands = bands_with_standard(scenario);
    let sum: u64 = bands.values().map(|&b| u64::from(b)).sum();
    let n = u64::from(n);
    let unpublished: Vec<&str> = scenario
        .catalog
        .bands
        .iter()
        .filter(|b| !bands.contains_key(&b.id))
        .map(|b| b.id.as_str())
        .collect();
    let all_bands = unpublished.is_empty();
    let terms: Vec<String> = bands_in_order(&scenario.catalog, &bands)
        .iter()
        .map(|(band, n)| format!("{} ({band})", r.count(*n)))
        .collect();
    let mut figures = band_figures(scenario);
    if !p
        .bands
        .contains_key(&top_band(&scenario.catalog).unwrap_or_default())
    {
        if let Some(standard) = p.standard {
            figures.push(count_figure(
                scenario,
                "published.standard",
                words::AT_STANDARD.said(),
                standard,
            ));
        }
    }
    figures.push(count_figure(
        scenario,
        "published.communes",
        words::COMMUNES.said(),
        n,
    ));
    let arithmetic = vec![Bilingual::new(
        format!(
            "{} = {}; {}: {}",
            terms.join(" + "),
            r.count(sum),
            words::COMMUNES.vi,
            r.count(n)
        ),
        format!(
            "{} = {}; communes: {}",
            terms.join(" + "),
            r.count(sum),
            r.count(n)
        ),
    )];
    let (ok, message_vi, message) = if sum > n {
        (
            false,
            format!(
                "các nhóm có {} xã, nhiều hơn {} xã",
                r.count(sum),
                r.count(n)
            ),
            format!("the bands hold {sum} communes, more than the {n} communes"),
        )
    } else if sum == n {
        (
            true,
            format!("các nhóm có đủ {} xã", r.count(n)),
            format!("the bands hold all {n} communes"),
        )
    } else if all_bands {
        (
            false,
            format!("các nhóm có {} xã, không phải {}", r.count(sum), r.count(n)),
            format!("the bands hold {sum} communes, not {n}"),
        )
    } else {
        (
            true,
            format!(
                "các nhóm được công bố có {} trong {} xã; {} xã còn lại thuộc các nhóm không công bố ({})",
                r.count(sum),
                r.count(n),
                r.count(n - sum),
                unpublished.join(", ")
            ),
            format!(
                "the published bands hold {sum} of {n} communes; the other {} are in the unpublished bands ({})",
                n - sum,
                unpublished.join(", ")
            ),
        )
    };
    if ok {
        r.pass("communes-bands", (message_vi, message), figures, arithmetic);
    } else {
        r.find(Finding {
            check: "communes-bands",
            severity: Severity::Error,
            message,
            message_vi,
            figures,
            arithmetic: bilingual::en(&arithmetic),
            arithmetic_vi: bilingual::vi(&arithmetic),
            fix: Some(format!(
                "the band counts must add up to {n} (or the commune count is {sum})"
            )),
            fix_vi: Some(format!(
                "số xã các nhóm phải cộng lại bằng {} (hoặc số xã là {})",
                r.count(n),
                r.count(sum)
            )),
        });
    }
}

fn tiers_ordered(scenario: &Scenario, r: &mut Recorder) {
    let p = &scenario.published;
    let chain: Vec<(&str, Term, Option<u32>)> = vec![
        ("published.model", words::AT_MODEL, p.model),
        ("published.advanced", words::AT_ADVANCED, p.advanced),
        ("published.standard", words::AT_STANDARD, p.standard),
        ("published.communes", words::COMMUNES, p.communes),
    ];
    let present: Vec<&(&str, Term, Option<u32>)> =
        chain.iter().filter(|(_, _, v)| v.is_some()).collect();
    if present.len() < 2 {
        return;
    }
    let figures: Vec<Figure> = present
        .iter()
        .map(|(name, label, v)| count_figure(scenario, name, label.said(), v.unwrap_or_default()))
        .collect();
    let values = |label: fn(&Term) -> &'static str| -> String {
        present
            .iter()
            .map(|(_, term, v)| format!("{} {}", label(term), r.count(v.unwrap_or_default())))
            .collect::<Vec<_>>()
            .join(" ≤ ")
    };
    let arithmetic = vec![Bilingual::new(values(|t| t.vi), values(|t| t.en))];
    let pairs: Vec<_> = present
        .windows(2)
        .filter(|w| w[0].2 > w[1].2)
        .map(|w| {
            let (a, b) = (
                r.count(w[0].2.unwrap_or_default()),
                r.count(w[1].2.unwrap_or_default()),
            );
            (
                format!("{} ({a}) > {} ({b})", w[0].1.vi, w[1].1.vi),
                format!("{} ({a}) > {} ({b})", w[0].1.en, w[1].1.en),
            )
        })
        .collect();
    let broken: Vec<String> = pairs.iter().map(|p| p.1.clone()).collect();
    let broken_vi: Vec<String> = pairs.iter().map(|p| p.0.clone()).collect();
    if broken.is_empty() {
        r.pass(
            "communes-tiers",
            (
                "các mức lồng nhau: kiểu mẫu ≤ nâng cao ≤ đạt chuẩn ≤ số xã".into(),
                "tiers nest: model ≤ advanced ≤ standard ≤ communes".into(),
            ),
            figures,
            arithmetic,
        );
    } else {
        r.find(Finding {
            check: "communes-tiers",
            severity: Severity::Error,
            message: format!("tiers do not nest: {}", broken.join("; ")),
            message_vi: format!("các mức không lồng nhau: {}", broken_vi.join("; ")),
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

fn counts_in_range(scenario: &Scenario, counts: &BTreeMap<u8, u32>, n: u32, r: &mut Recorder) {
    if counts.is_empty() {
        return;
    }
    let standard = bands_with_standard(scenario)
        .get(&top_band(&scenario.catalog).unwrap_or_default())
        .copied();
    let mut bad = false;
    for (&id, &count) in counts {
        let name = format!("published.criteria.c{id}");
        let mut figures = vec![
            count_figure(scenario, &name, words::meeting(id), count),
            count_figure(scenario, "published.communes", words::COMMUNES.said(), n),
        ];
        if count > n {
            bad = true;
            r.find(Finding {
                check: "criterion-count",
                severity: Severity::Error,
                message: format!("{count} communes meet c{id}, but there are only {n}"),
                message_vi: format!(
                    "{} xã đạt c{id}, nhưng chỉ có {} xã",
                    r.count(count),
                    r.count(n)
                ),
                figures,
                arithmetic: vec![format!("{} > {}", r.count(count), r.count(n))],
                arithmetic_vi: vec![format!("{} > {}", r.count(count), r.count(n))],
                fix: Some(format!("c{id} is at most {n}")),
                fix_vi: Some(format!("c{id} nhiều nhất là {}", r.count(n))),
            });
        } else if let Some(standard) = standard.filter(|s| count < *s) {
            bad = true;
            figures.push(count_figure(
                scenario,
                "published.standard",
                words::AT_STANDARD.said(),
                standard,
            ));
            r.find(Finding {
                check: "criterion-count",
                severity: Severity::Error,
                message: format!(
                    "{count} communes meet c{id}, fewer than the {standard} communes at standard (which meet every criterion)"
                ),
                message_vi: format!(
                    "{} xã đạt c{id}, ít hơn {} xã đạt chuẩn (đạt mọi tiêu chí)",
                    r.count(count),
                    r.count(standard)
                ),
                figures,
                arithmetic: vec![format!("{} < {}", r.count(count), r.count(standard))],
                arithmetic_vi: vec![format!("{} < {}", r.count(count), r.count(standard))],
                fix: Some(format!("c{id} is at least {standard}")),
                fix_vi: Some(format!("c{id} ít nhất là {}", r.count(standard))),
            });
        }
    }
    if !bad {
        let floor = standard.map_or(String::new(), |s| format!("{s} (at standard) ≤ "));
        let floor_vi = standard.map_or(String::new(), |s| format!("{} (đạt chuẩn) ≤ ", r.count(s)));
        r.pass(
            "criterion-count",
            (
                format!(
                    "số xã đạt từng tiêu chí được công bố đều trong khoảng {floor_vi}số xã ≤ {} xã",
                    r.count(n)
                ),
                format!("every published criterion count lies within {floor}count ≤ {n} communes"),
            ),
            Vec::new(),
            Vec::new(),
        );
    }
}

fn average_figure(scenario: &Scenario, average: Decimal) -> Figure {
    Figure::new(
        "published.average_criteria",
        words::AVERAGE.said(),
        average,
        "criteria per commune",
        Bilingual::same(source_of(scenario, "published.average_criteria")),
    )
}

fn average_matches_counts(
    scenario: &Scenario,
    counts: &BTreeMap<u8, u32>,
    n: u32,
    average: Decimal,
    r: &mut Recorder,
) {
    if counts.is_empty() || n == 0 {
        return;
    }
    let slack = rounding_slack(average);
    let Some((low, high)) = consistency::average_window(average, n) else {
        return;
    };
    let sum: u64 = counts.values().map(|&c| u64::from(c)).sum();
    let missing = missing_criteria(&scenario.catalog, counts);
    let figures = vec![
        average_figure(scenario, average),
        count_figure(scenario, "published.communes", words::COMMUNES.said(), n),
        count_figure(
            scenario,
            "published.criteria",
            Bilingual::new(
                format!("{} (tổng)", words::MEETING_EACH.vi),
                format!("{} (sum)", words::MEETING_EACH.en),
            ),
            sum,
        ),
    ];
    let implied = Bilingual::new(
        format!(
            "bình quân {} ± {} × {} xã → tổng số tiêu chí đạt {}..={}",
            r.published(average),
            r.num(slack),
            r.count(n),
            r.count(low),
            r.count(high)
        ),
        format!(
            "average {} ± {} × {} communes → total criteria met {}..={}",
            r.published(average),
            r.num(slack),
            r.count(n),
            r.count(low),
            r.count(high)
        ),
    );
    if missing.is_empty() {
        let exact = Decimal::from(sum) / Decimal::from(n);
        let division = format!(
            "{} ÷ {} = {} → {}",
            r.count(sum),
            r.count(n),
            r.num(round_half_up(exact, average.scale() + 2)),
            format_fixed(exact, average.scale(), r.style),
        );
        let arithmetic = vec![
            Bilingual::new(
                format!(
                    "Σ số xã đạt từng tiêu chí = {}; {division} khi làm tròn {} chữ số thập phân",
                    r.count(sum),
                    average.scale()
                ),
                format!(
                    "Σ per-criterion counts = {}; {division} at {} decimal(s)",
                    r.count(sum),
                    average.scale()
                ),
            ),
            implied,
        ];
        if (low..=high).contains(&sum) {
            r.pass(
                "average-criteria",
                (
                    format!(
                        "bình quân {} khớp với số xã đạt từng tiêu chí",
                        r.published(average)
                    ),
                    format!(
                        "the average {} matches the per-criterion counts",
                        r.published(average)
                    ),
                ),
                figures,
                arithmetic,
            );
        } else {
            r.find(Finding {
                check: "average-criteria",
                severity: Severity::Error,
                message: format!(
                    "the per-criterion counts give an average of {}, not {}",
                    format_fixed(exact, average.scale(), r.style),
                    r.published(average),
                ),
                message_vi: format!(
                    "số xã đạt từng tiêu chí cho bình quân {}, không phải {}",
                    format_fixed(exact, average.scale(), r.style),
                    r.published(average),
                ),
                figures,
                arithmetic: bilingual::en(&arithmetic),
                arithmetic_vi: bilingual::vi(&arithmetic),
                fix_vi: Some(format!(
                    "bình quân đúng là {}, hoặc tổng số xã đạt các tiêu chí phải là {}..={} ({} {})",
                    format_fixed(exact, average.scale(), r.style),
                    r.count(low),
                    r.count(high),
                    if sum < low {
                        "tăng ít nhất"
                    } else {
                        "giảm ít nhất"
                    },
                    r.count(if sum < low { low - sum } else { sum - high })
                )),
                fix: Some(format!(
                    "the average would be {}, or the counts would total {low}..={high} ({} {})",
                    format_fixed(exact, average.scale(), r.style),
                    if sum < low {
                        "raise by at least"
                    } else {
                        "lower by at least"
                    },
                    if sum < low { low - sum } else { sum - high }
                )),
            });
        }
        return;
    }
    // Unpublished criteria: each lies between the communes at standard and all communes.
    let floor = bands_with_standard(scenario)
        .get(&top_band(&scenario.catalog).unwrap_or_default())
        .copied()
        .unwrap_or(0);
    let k = missing.len() as u64;
    let (floor, n) = (u64::from(floor), u64::from(n));
    let need_low = low.saturating_sub(sum).max(floor * k);
    let need_high = high.checked_sub(sum).map(|h| h.min(n * k));
    let names = criteria_list(&missing);
    let mut arithmetic = vec![
        implied,
        Bilingual::new(
            format!(
                "số xã đạt các tiêu chí được công bố, trừ {names}, có tổng {}; mỗi số không công bố nằm trong {}..={}",
                r.count(sum),
                r.count(floor),
                r.count(n)
            ),
            format!(
                "published counts without {names} total {}; each unpublished count lies in {}..={}",
                r.count(sum),
                r.count(floor),
                r.count(n)
            ),
        ),
    ];
    match need_high.filter(|h| need_low <= *h) {
        Some(need_high) => {
            let range = format!("{}..={}", r.count(need_low), r.count(need_high));
            arithmetic.push(Bilingual::new(
                format!("nên {names} = {range}"),
                format!("so {names} = {range}"),
            ));
            let assumed: Option<Vec<u32>> = missing
                .iter()
                .map(|id| {
                    scenario
                        .synthesize
                        .assumed_criteria
                        .get(&format!("c{id}"))
                        .copied()
                })
                .collect();
            match assumed {
                Some(values) => {
                    let total: u64 = values.iter().map(|&v| u64::from(v)).sum();
                    let shown: Vec<String> = missing
                        .iter()
                        .zip(&values)
                        .map(|(id, v)| format!("c{id} = {v}"))
                        .collect();
                    arithmetic.push(Bilingual::new(
                        format!(
                            "kịch bản giả định {} (tổng {})",
                            shown.join(", "),
                            r.count(total)
                        ),
                        format!(
                            "the scenario assumes {} (total {})",
                            shown.join(", "),
                            r.count(total)
                        ),
                    ));
                    if (need_low..=need_high).contains(&total) {
                        r.pass(
                            "average-criteria",
                            (
                                format!(
                                    "giá trị giả định của {names} khớp với bình quân công bố {}",
                                    r.published(average)
                                ),
                                format!(
                                    "the assumed {names} fit the published average {}",
                                    r.published(average)
                                ),
                            ),
                            figures,
                            arithmetic,
                        );
                    } else {
                        r.find(Finding {
                            check: "average-criteria",
                            severity: Severity::Warning,
                            message: format!(
                                "the assumed values of {names} do not fit the published average {}",
                                r.published(average)
                            ),
                            message_vi: format!(
                                "giá trị giả định của {names} không khớp với bình quân công bố {}",
                                r.published(average)
                            ),
                            figures,
                            arithmetic: bilingual::en(&arithmetic),
                            arithmetic_vi: bilingual::vi(&arithmetic),
                            fix: Some(format!(
                                "choose {names} totalling {need_low}..={need_high} in synthesize.assumed_criteria"
                            )),
                            fix_vi: Some(format!(
                                "chọn {names} có tổng {}..={} trong synthesize.assumed_criteria",
                                r.count(need_low),
                                r.count(need_high)
                            )),
                        });
                    }
                }
                None => r.find(Finding {
                    check: "average-criteria",
                    severity: Severity::Info,
                    message: format!(
                        "{names} not published; the average {} implies {names} = {need_low}..={need_high}",
                        r.published(average)
                    ),
                    message_vi: format!(
                        "{names} không được công bố; bình quân {} cho thấy {names} = {}..={}",
                        r.published(average),
                        r.count(need_low),
                        r.count(need_high)
                    ),
                    figures,
                    arithmetic: bilingual::en(&arithmetic),
                    arithmetic_vi: bilingual::vi(&arithmetic),
                    fix: None,
                    fix_vi: None,
                }),
            }
        }
        None => {
            let (need, can) = (
                format!(
                    "{}..={}",
                    r.count(low.saturating_sub(sum)),
                    r.count(high.saturating_sub(sum))
                ),
                format!("{}..={}", r.count(floor * k), r.count(n * k)),
            );
            arithmetic.push(Bilingual::new(
                format!("{names} cần có tổng {need} nhưng chỉ có thể có tổng {can}"),
                format!("{names} would need to total {need} but can total only {can}"),
            ));
            r.find(Finding {
                check: "average-criteria",
                severity: Severity::Error,
                message: format!(
                    "no values of the unpublished {names} give the average {}",
                    r.published(average)
                ),
                message_vi: format!(
                    "không giá trị nào của {names} (không công bố) cho được bình quân {}",
                    r.published(average)
                ),
                figures,
                arithmetic: bilingual::en(&arithmetic),
                arithmetic_vi: bilingual::vi(&arithmetic),
                fix: Some("one of the average or the per-criterion counts is wrong".into()),
                fix_vi: Some("bình quân hoặc số xã đạt từng tiêu chí bị sai".into()),
            });
        }
    }
}

fn average_fits_bands(scenario: &Scenario, n: u32, average: Decimal, r: &mut Recorder) {
    let bands = bands_with_standard(scenario);
    if bands.is_empty() || n == 0 {
        return;
    }
    let Some(groups) = row_groups(&scenario.catalog, n, &bands) else {
        return;
    };
    let slack = rounding_slack(average);
    let Some((low, high)) = consistency::average_window(average, n) else {
        return;
    };
    let total_at = |f: fn(&crate::consistency::RowGroup) -> u32| -> u64 {
        groups
            .iter()
            .map(|g| u64::from(f(g)) * u64::from(g.communes))
            .sum()
    };
    let (min, max) = (total_at(|g| g.min), total_at(|g| g.max));
    let terms: Vec<String> = groups
        .iter()
        .filter(|g| g.communes > 0)
        .map(|g| format!("{} × [{}, {}]", r.count(g.communes), g.min, g.max))
        .collect();
    let mut figures = vec![average_figure(scenario, average)];
    figures.extend(band_figures(scenario));
    let window = format!(
        "{} ± {} × {}",
        r.published(average),
        r.num(slack),
        r.count(n)
    );
    let (window_total, bands, bands_total) = (
        format!("{}..={}", r.count(low), r.count(high)),
        terms.join(" + "),
        format!("{}..={}", r.count(min), r.count(max)),
    );
    let arithmetic = vec![
        Bilingual::new(
            format!("bình quân {window} → tổng {window_total}"),
            format!("average {window} → total {window_total}"),
        ),
        Bilingual::new(
            format!("các nhóm: {bands} → tổng {bands_total}"),
            format!("bands: {bands} → total {bands_total}"),
        ),
    ];
    if low <= max && min <= high {
        r.pass(
            "average-bands",
            (
                format!(
                    "bình quân {} có thể đạt được với số xã các nhóm",
                    r.published(average)
                ),
                format!(
                    "the average {} is possible with the band counts",
                    r.published(average)
                ),
            ),
            figures,
            arithmetic,
        );
    } else {
        let reachable =
            |total: u64| (Decimal::from(total) / Decimal::from(n)).round_dp(average.scale() + 1);
        r.find(Finding {
            check: "average-bands",
            severity: Severity::Error,
            message: format!(
                "the band counts allow an average of {}..{}, not {}",
                r.num(reachable(min)),
                r.num(reachable(max)),
                r.published(average)
            ),
            message_vi: format!(
                "số xã các nhóm cho bình quân trong khoảng {}..{}, không phải {}",
                r.num(reachable(min)),
                r.num(reachable(max)),
                r.published(average)
            ),
            figures,
            arithmetic: bilingual::en(&arithmetic),
            arithmetic_vi: bilingual::vi(&arithmetic),
            fix: Some("the average or the band counts are wrong".into()),
            fix_vi: Some("bình quân hoặc số xã các nhóm bị sai".into()),
        });
    }
}

fn matrix_feasible(scenario: &Scenario, counts: &BTreeMap<u8, u32>, n: u32, r: &mut Recorder) {
    let bands = bands_with_standard(scenario);
    if counts.is_empty() || bands.is_empty() {
        return;
    }
    let Some(groups) = row_groups(&scenario.catalog, n, &bands) else {
        return;
    };
    let verdict = consistency::check(
        &CountingProblem {
            criteria: u32::try_from(scenario.catalog.criteria_count()).unwrap_or(u32::MAX),
            groups,
            counts: counts.clone(),
            kind: CountKind::Exact,
        },
        r.style,
    );
    let mut figures = band_figures(scenario);
    figures.push(count_figure(
        scenario,
        "published.criteria",
        words::MEETING_EACH.said(),
        counts
            .iter()
            .map(|(c, n)| format!("c{c} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
    ));
    match &verdict.obstruction {
        None => r.pass(
            "matrix-feasibility",
            (
                "tồn tại bảng xã × tiêu chí có đúng số xã các nhóm và số xã đạt từng tiêu chí này"
                    .into(),
                "a commune × criterion matrix exists with these band and per-criterion counts"
                    .into(),
            ),
            figures,
            verdict.lines(),
        ),
        Some(obstruction) => r.find(Finding {
            check: "matrix-feasibility",
            severity: Severity::Error,
            message: format!(
                "no commune × criterion matrix gives both the band counts and the per-criterion counts: {}",
                obstruction.explain(r.style)
            ),
            message_vi: format!(
                "không bảng xã × tiêu chí nào cho được cả số xã các nhóm lẫn số xã đạt từng tiêu chí: {}",
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

fn villages(scenario: &Scenario, r: &mut Recorder) {
    let p = &scenario.published;
    let (Some(villages), Some(standard)) = (p.villages, p.villages_standard) else {
        return;
    };
    let village_figure = |name: &str, label: Term, value: u32| {
        Figure::new(
            name,
            label.said(),
            value,
            "villages",
            Bilingual::same(source_of(scenario, name)),
        )
    };
    let figures = vec![
        village_figure("published.villages", words::VILLAGES, villages),
        village_figure(
            "published.villages_standard",
            words::VILLAGES_AT_STANDARD,
            standard,
        ),
    ];
    let arithmetic = vec![Bilingual::new(
        format!(
            "{} thôn đạt chuẩn trong {} thôn",
            r.count(standard),
            r.count(villages)
        ),
        format!(
            "{} at standard of {} villages",
            r.count(standard),
            r.count(villages)
        ),
    )];
    if standard <= villages {
        r.pass(
            "villages",
            (
                "số thôn đạt chuẩn không vượt số thôn".into(),
                "villages at standard do not exceed villages".into(),
            ),
            figures,
            arithmetic,
        );
    } else {
        r.find(Finding {
            check: "villages",
            severity: Severity::Error,
            message: format!("{standard} villages at standard, but only {villages} villages"),
            message_vi: format!(
                "{} thôn đạt chuẩn, nhưng chỉ có {} thôn",
                r.count(standard),
                r.count(villages)
            ),
            figures,
            arithmetic: bilingual::en(&arithmetic),
            arithmetic_vi: bilingual::vi(&arithmetic),
            fix: Some(format!("at most {villages} villages can be at standard")),
            fix_vi: Some(format!(
                "nhiều nhất {} thôn có thể đạt chuẩn",
                r.count(villages)
            )),
        });
    }
}

fn data_vs_published(scenario: &Scenario, counts: &BTreeMap<u8, u32>, r: &mut Recorder) {
    let p = &scenario.published;
    if scenario.communes.is_empty() || p.year.is_some_and(|y| y != scenario.baseline_year) {
        return;
    }
    let e = evaluate(scenario);
    let s = &e.summary;
    let mut compared = Vec::new();
    let mut differ = Vec::new();
    let style = r.style;
    let mut compare = |what: Bilingual, published: Option<u32>, data: usize| {
        if let Some(published) = published {
            let (published_n, data_n) = (
                crate::number::format_count(u64::from(published), style),
                crate::number::format_count(data as u64, style),
            );
            let line = Bilingual::new(
                format!(
                    "{}: công bố {published_n}, {} {data_n}",
                    what.vi,
                    words::COMMUNES_FILE.vi
                ),
                format!(
                    "{}: published {published_n}, {} {data_n}",
                    what.en,
                    words::COMMUNES_FILE.en
                ),
            );
            if usize::try_from(published).ok() != Some(data) {
                differ.push(line.clone());
            }
            compared.push(line);
        }
    };
    compare(words::COMMUNES.said(), p.communes, s.communes);
    compare(words::AT_STANDARD.said(), p.standard, s.standard);
    compare(words::AT_ADVANCED.said(), p.advanced, s.advanced);
    compare(words::AT_MODEL.said(), p.model, s.model);
    for (band, n) in &s.bands {
        compare(words::in_band(band), p.bands.get(band).copied(), *n);
    }
    for c in &e.criteria {
        compare(words::meeting(c.id), counts.get(&c.id).copied(), c.met);
    }
    let villages: u64 = scenario
        .communes
        .iter()
        .filter_map(|c| c.villages.map(u64::from))
        .sum();
    if scenario.communes.iter().any(|c| c.villages.is_some()) {
        compare(words::VILLAGES.said(), p.villages, villages as usize);
    }
    if let Some(average) = p.average_criteria {
        let data = round_half_up(s.average_criteria, average.0.scale());
        let (published_n, data_n) = (
            r.published(average.0),
            r.num(round_half_up(s.average_criteria, 2)),
        );
        let line = Bilingual::new(
            format!(
                "{}: công bố {published_n}, {} {data_n}",
                words::AVERAGE.vi,
                words::COMMUNES_FILE.vi
            ),
            format!(
                "{}: published {published_n}, {} {data_n}",
                words::AVERAGE.en,
                words::COMMUNES_FILE.en
            ),
        );
        if (s.average_criteria - average.0).abs() > rounding_slack(average.0) && data != average.0 {
            differ.push(line.clone());
        }
        compared.push(line);
    }
    if compared.is_empty() {
        return;
    }
    let file = Figure::new(
        "communes",
        words::COMMUNES_FILE.said(),
        s.communes,
        "communes",
        words::data_source(
            scenario.synthetic.as_deref(),
            scenario.synthetic_vi.as_deref(),
        ),
    );
    if differ.is_empty() {
        r.pass(
            "data-vs-published",
            (
                format!(
                    "tệp danh sách xã khớp với {} số liệu công bố có thể so sánh",
                    compared.len()
                ),
                format!(
                    "the communes file agrees with the {} published figures it can be compared with",
                    compared.len()
                ),
            ),
            vec![file],
            compared,
        );
    } else {
        r.find(Finding {
            check: "data-vs-published",
            severity: Severity::Warning,
            message: format!(
                "the communes file disagrees with {} published figure(s) of {}",
                differ.len(),
                scenario.baseline_year
            ),
            message_vi: format!(
                "tệp danh sách xã không khớp với {} số liệu công bố năm {}",
                differ.len(),
                scenario.baseline_year
            ),
            figures: vec![file],
            arithmetic: bilingual::en(&differ),
            arithmetic_vi: bilingual::vi(&differ),
            fix: Some(
                "correct the communes file, or the published figures if they were typed wrong"
                    .into(),
            ),
            fix_vi: Some("sửa tệp danh sách xã, hoặc sửa số liệu công bố nếu đã gõ nhầm".into()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_window_follows_the_published_rounding() {
        // 12.5 ± 0.05 × 94 = 1170.3..1179.7 → 1171..=1179.
        assert_eq!(
            consistency::average_window(Decimal::new(125, 1), 94),
            Some((1171, 1179))
        );
        // 6.0 ± 0.05 × 5 = 29.75..30.25 → exactly 30.
        assert_eq!(
            consistency::average_window(Decimal::new(60, 1), 5),
            Some((30, 30))
        );
        // 1.7 ± 0.05 × 2 = 3.3..3.5 holds no whole number.
        assert_eq!(consistency::average_window(Decimal::new(17, 1), 2), None);
        assert_eq!(consistency::average_window(Decimal::MAX, 5), None);
    }
}
