//! Funding checks (kiểm tra số liệu vốn): parts add up to their total at every level, and a
//! stated share matches amount ÷ total at the document's rounding.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{rounding_slack, words, Figure, Finding, Recorder, Severity};
use crate::bilingual::{self, Bilingual};
use crate::number::{format_trimmed, round_half_up};
use crate::scenario::{FundingFigure, Scenario};

/// Million VND per unit of a figure, and the unit's name; `None` for an unknown unit.
fn unit_of(figure: &FundingFigure) -> Option<(Decimal, &'static str)> {
    match figure.unit.as_deref().map(str::to_lowercase).as_deref() {
        None | Some("million" | "million vnd" | "triệu" | "triệu đồng") => {
            Some((Decimal::ONE, "million VND"))
        }
        Some("billion" | "billion vnd" | "tỷ" | "tỷ đồng") => {
            Some((Decimal::from(1000), "billion VND"))
        }
        // A figure printed in đồng, e.g. Mường Tè's "Vốn huy động: 2.258 đồng".
        Some("vnd" | "dong" | "đồng") => Some((Decimal::new(1, 6), "VND (đồng)")),
        _ => None,
    }
}

/// An id with its Vietnamese name beside it, `local (Vốn ngân sách địa phương)`, so that a
/// Vietnamese sentence never shows a bare id; the id alone when there is no name.
fn named(id: &str, name_vi: &str) -> String {
    if name_vi.is_empty() {
        id.to_string()
    } else {
        format!("{id} ({name_vi})")
    }
}

/// A capital source's id with its Vietnamese name.
fn source_named(source: &crate::scenario::CapitalSource) -> String {
    named(&source.id, &source.name_vi)
}

fn unit_name(figure: &FundingFigure) -> &'static str {
    unit_of(figure).map_or("million VND", |u| u.1)
}

/// The unit's name in Vietnamese (triệu đồng, tỷ đồng, đồng).
fn unit_vi(figure: &FundingFigure) -> String {
    words::unit_vi(unit_name(figure))
}

/// Amount of `figure` expressed in the unit of `base` (`None` on overflow).
fn in_unit_of(figure: &FundingFigure, amount: Decimal, base: &FundingFigure) -> Option<Decimal> {
    let factor = |f: &FundingFigure| unit_of(f).map_or(Decimal::ONE, |u| u.0);
    amount
        .checked_mul(factor(figure))?
        .checked_div(factor(base))
}

/// Sum of the parts' amounts (or corrected amounts) in the unit of `total`; `None` on overflow.
fn parts_sum(
    total: &FundingFigure,
    parts: &[&FundingFigure],
    corrected: bool,
) -> Option<(Decimal, Vec<Decimal>)> {
    let mut sum = Decimal::ZERO;
    let mut terms = Vec::new();
    for p in parts {
        let amount = if corrected {
            p.corrected_amount.unwrap_or(p.amount).0
        } else {
            p.amount.0
        };
        let a = in_unit_of(p, amount, total)?;
        sum = sum.checked_add(a)?;
        terms.push(a);
    }
    Some((sum, terms))
}

/// A funding figure: its label is the document's own (Vietnamese, e.g. `Tổng vốn`).
fn figure(f: &FundingFigure) -> Figure {
    Figure::new(
        format!("published.funding.{}", f.id),
        Bilingual::same(f.label.clone()),
        f.amount.0.normalize(),
        unit_name(f),
        Bilingual::same(f.source.clone()),
    )
}

fn share_figure(f: &FundingFigure, share: Decimal) -> Figure {
    Figure::new(
        format!("published.funding.{}.share_percent", f.id),
        Bilingual::new(
            format!("tỷ lệ của {}", f.label),
            format!("share of {}", f.label),
        ),
        share,
        "%",
        Bilingual::same(f.source.clone()),
    )
}

/// Runs the funding checks.
pub(super) fn check(scenario: &Scenario, r: &mut Recorder) {
    let funding = &scenario.published.funding;
    let by_id: BTreeMap<&str, &FundingFigure> =
        funding.iter().map(|f| (f.id.as_str(), f)).collect();
    for f in funding {
        if unit_of(f).is_none() {
            r.find(Finding {
                check: "funding-unit",
                severity: Severity::Warning,
                message: format!(
                    "`{}` has unit `{}`, read as million VND",
                    f.id,
                    f.unit.as_deref().unwrap_or_default()
                ),
                message_vi: format!(
                    "{} có đơn vị `{}`, được đọc là triệu đồng",
                    named(&f.id, &f.label),
                    f.unit.as_deref().unwrap_or_default()
                ),
                figures: vec![figure(f)],
                arithmetic: Vec::new(),
                arithmetic_vi: Vec::new(),
                fix: Some("write unit = \"million\", \"billion\" or \"đồng\"".into()),
                fix_vi: Some(
                    "ghi unit = \"million\" (triệu), \"billion\" (tỷ) hoặc \"đồng\"".into(),
                ),
            });
        }
        let references = f.parts.iter().chain(f.share_of.as_ref());
        for missing in references.filter(|id| !by_id.contains_key(id.as_str())) {
            r.find(Finding {
                check: "funding-reference",
                severity: Severity::Warning,
                message: format!(
                    "`{}` refers to `{missing}`, which is not a funding figure",
                    f.id
                ),
                message_vi: format!(
                    "{} dẫn tới `{missing}`, không phải một số liệu nguồn vốn",
                    named(&f.id, &f.label)
                ),
                figures: vec![figure(f)],
                arithmetic: Vec::new(),
                arithmetic_vi: Vec::new(),
                fix: Some(format!(
                    "add a [[published.funding]] with id = \"{missing}\""
                )),
                fix_vi: Some(format!(
                    "thêm một [[published.funding]] có id = \"{missing}\""
                )),
            });
        }
        let parts: Vec<&FundingFigure> = f
            .parts
            .iter()
            .filter_map(|id| by_id.get(id.as_str()).copied())
            .collect();
        if !parts.is_empty() && parts.len() == f.parts.len() {
            parts_add_up(f, &parts, r);
        }
        if let (Some(share), Some(of)) = (f.share_percent, f.share_of.as_ref()) {
            if let Some(base) = by_id.get(of.as_str()) {
                share_matches(f, share.0, base, r);
            }
        }
    }
    budgets_match(scenario, &by_id, r);
    needs_are_labelled(scenario, r);
}

/// Budgets that are needs (nhu cầu), not allocations: said once, so nobody reads a plan built
/// on them as a plan within allocated money.
fn needs_are_labelled(scenario: &Scenario, r: &mut Recorder) {
    let needs: Vec<&crate::scenario::CapitalSource> = scenario
        .capital_sources
        .iter()
        .filter(|s| s.budget_kind == crate::scenario::BudgetKind::Need)
        .collect();
    let ids: Vec<&str> = needs.iter().map(|s| s.id.as_str()).collect();
    let names: Vec<String> = needs.iter().map(|s| source_named(s)).collect();
    if needs.is_empty() {
        return;
    }
    r.find(Finding {
        check: "funding-need",
        severity: Severity::Info,
        message: format!(
            "the budgets of {} are needs as the document writes them (nhu cầu vốn), not allocated money",
            ids.join(", ")
        ),
        message_vi: format!(
            "ngân sách của {} là nhu cầu vốn theo văn bản, không phải vốn được giao",
            names.join(", ")
        ),
        figures: Vec::new(),
        arithmetic: Vec::new(),
        arithmetic_vi: Vec::new(),
        fix: Some(
            "a plan within these budgets spends what the document says is needed; replace them with the allocated amounts (vốn được giao) when they are known"
                .into(),
        ),
        fix_vi: Some(
            "kế hoạch trong các ngân sách này chi theo nhu cầu văn bản nêu; thay bằng vốn được giao khi đã biết"
                .into(),
        ),
    });
}

/// Million VND of a figure as published and, where the scenario corrects it, as corrected.
fn in_million(f: &FundingFigure) -> Option<(Decimal, Option<Decimal>)> {
    let factor = unit_of(f).map_or(Decimal::ONE, |u| u.0);
    let published = f.amount.0.checked_mul(factor)?;
    let corrected = f.corrected_amount.and_then(|c| c.0.checked_mul(factor));
    Some((published, corrected))
}

/// The planner's budgets (`capital_sources`, all years) against the published figures: a
/// source against the figure with its id, and all sources against the one top-level total.
fn budgets_match(scenario: &Scenario, by_id: &BTreeMap<&str, &FundingFigure>, r: &mut Recorder) {
    let budget = |source: &crate::scenario::CapitalSource| -> Option<Decimal> {
        source
            .budget
            .values()
            .try_fold(Decimal::ZERO, |acc, b| acc.checked_add(b.get_ref().0))
    };
    // Ok(arithmetic) when the budget matches the figure (as published or as corrected).
    let style = r.style;
    let num = move |value: Decimal| format_trimmed(value, 6, style);
    // `what` in Vietnamese and in English.
    let compare = |what: (String, String), planned: Decimal, figure: &FundingFigure| {
        let (published, corrected) = in_million(figure)?;
        let (converted_vi, converted) = if published == figure.amount.0 {
            (String::new(), String::new())
        } else {
            (
                format!(" = {} triệu đồng", num(published)),
                format!(" = {} million VND", num(published)),
            )
        };
        let line = Bilingual::new(
            format!(
                "{}: {} triệu đồng; số công bố {} {} {}{converted_vi}",
                what.0,
                num(planned),
                named(&figure.id, &figure.label),
                num(figure.amount.0),
                unit_vi(figure),
            ),
            format!(
                "{}: {} million VND; published {} {} {}{converted}",
                what.1,
                num(planned),
                figure.id,
                num(figure.amount.0),
                unit_name(figure),
            ),
        );
        if planned == published {
            return Some(Ok(line));
        }
        if corrected == Some(planned) {
            return Some(Ok(Bilingual::new(
                format!("{}, cách đọc đã sửa {}", line.vi, num(planned)),
                format!("{}, corrected reading {}", line.en, num(planned)),
            )));
        }
        Some(Err(Finding {
            check: "funding-budget",
            severity: Severity::Warning,
            message: format!(
                "{} is {} million VND, but the published {} is {} million VND",
                what.1,
                num(planned),
                figure.id,
                num(published)
            ),
            message_vi: format!(
                "{} là {} triệu đồng, nhưng số công bố {} là {} triệu đồng",
                what.0,
                num(planned),
                named(&figure.id, &figure.label),
                num(published)
            ),
            figures: vec![self::figure(figure)],
            arithmetic: vec![line.en],
            arithmetic_vi: vec![line.vi],
            fix: Some(
                "plans use the capital_sources budgets: make them equal the published figure, or set corrected_amount on the figure to record the reading used"
                    .into(),
            ),
            fix_vi: Some(
                "kế hoạch dùng ngân sách trong capital_sources: sửa cho bằng số công bố, hoặc ghi corrected_amount cho số liệu để nêu cách đọc đã dùng"
                    .into(),
            ),
        }))
    };
    let mut matched = Vec::new();
    let mut figures = Vec::new();
    let mut record = |outcome: Option<std::result::Result<Bilingual, Finding>>,
                      figure: &FundingFigure| {
        match outcome {
            Some(Ok(line)) => {
                matched.push(line);
                figures.push(self::figure(figure));
            }
            Some(Err(finding)) => r.find(finding),
            None => {}
        }
    };
    let mut all = Some(Decimal::ZERO);
    for source in &scenario.capital_sources {
        let planned = budget(source);
        all = all.zip(planned).and_then(|(a, b)| a.checked_add(b));
        if let (Some(planned), Some(figure)) = (planned, by_id.get(source.id.as_str())) {
            record(
                compare(
                    (
                        format!("ngân sách của {}", source_named(source)),
                        format!("budget of `{}`", source.id),
                    ),
                    planned,
                    figure,
                ),
                figure,
            );
        }
    }
    let in_parts: Vec<&str> = by_id
        .values()
        .flat_map(|f| f.parts.iter().map(String::as_str))
        .collect();
    let roots: Vec<&&FundingFigure> = by_id
        .values()
        .filter(|f| !f.parts.is_empty() && !in_parts.contains(&f.id.as_str()))
        .collect();
    if let (Some(all), [root], false) = (all, roots.as_slice(), scenario.capital_sources.is_empty())
    {
        if !scenario.capital_sources.iter().any(|s| s.id == root.id) {
            record(
                compare(
                    (
                        "tổng ngân sách mọi nguồn trong capital_sources".into(),
                        "sum of all capital_sources budgets".into(),
                    ),
                    all,
                    root,
                ),
                root,
            );
        }
    }
    if !matched.is_empty() {
        r.pass(
            "funding-budget",
            (
                format!(
                    "{} ngân sách trong capital_sources bằng số công bố tương ứng",
                    matched.len()
                ),
                format!(
                    "{} capital_sources budget(s) equal the published figures they stand for",
                    matched.len()
                ),
            ),
            figures,
            matched,
        );
    }
}

fn parts_add_up(total: &FundingFigure, parts: &[&FundingFigure], r: &mut Recorder) {
    let unit = unit_name(total);
    let Some((sum, terms)) = parts_sum(total, parts, false) else {
        return;
    };
    let terms: Vec<String> = terms.into_iter().map(|t| r.num(t)).collect();
    let mut figures = vec![figure(total)];
    figures.extend(parts.iter().map(|p| figure(p)));
    let published = total.amount.0;
    if sum == published {
        r.pass(
            "funding-parts",
            (
                format!(
                    "các khoản thành phần của {} ({}) cộng lại đúng {} {}",
                    total.id,
                    total.label,
                    r.num(published),
                    unit_vi(total)
                ),
                format!(
                    "the parts of {} ({}) add up to {} {unit}",
                    total.id,
                    total.label,
                    r.num(published)
                ),
            ),
            figures,
            vec![Bilingual::new(
                format!("{} = {} {}", terms.join(" + "), r.num(sum), unit_vi(total)),
                format!("{} = {} {unit}", terms.join(" + "), r.num(sum)),
            )],
        );
        return;
    }
    let Some(difference) = published.checked_sub(sum) else {
        return;
    };
    let unit_vi = unit_vi(total);
    let (less_vi, less) = if difference > Decimal::ZERO {
        ("ít hơn", "less")
    } else {
        ("nhiều hơn", "more")
    };
    let mut arithmetic = vec![Bilingual::new(
        format!(
            "{} = {} ≠ {} {unit_vi} (các khoản thành phần {less_vi} tổng {})",
            terms.join(" + "),
            r.num(sum),
            r.num(published),
            r.num(difference.abs()),
        ),
        format!(
            "{} = {} ≠ {} {unit} (the parts are {} {less} than the total)",
            terms.join(" + "),
            r.num(sum),
            r.num(published),
            r.num(difference.abs()),
        ),
    )];
    let corrected_parts = parts_sum(total, parts, true).map_or(sum, |c| c.0);
    if corrected_parts != sum {
        arithmetic.push(Bilingual::new(
            format!(
                "theo cách đọc đã sửa của kịch bản cho các khoản: {} {unit_vi}",
                r.num(corrected_parts)
            ),
            format!(
                "with the scenario's corrected readings of the parts: {} {unit}",
                r.num(corrected_parts)
            ),
        ));
    }
    if let Some(corrected) = total.corrected_amount {
        let (match_vi, match_en) = if corrected.0 == sum || corrected.0 == corrected_parts {
            (", khớp với các khoản", ", which the parts match")
        } else {
            ("", "")
        };
        arithmetic.push(Bilingual::new(
            format!(
                "kịch bản đọc tổng là {} {unit_vi} (corrected_amount){match_vi}",
                r.num(corrected.0),
            ),
            format!(
                "the scenario reads the total as {} {unit} (corrected_amount){match_en}",
                r.num(corrected.0),
            ),
        ));
    }
    let names: Vec<&str> = parts.iter().map(|p| p.id.as_str()).collect();
    let names_vi: Vec<String> = parts.iter().map(|p| named(&p.id, &p.label)).collect();
    r.find(Finding {
        check: "funding-parts",
        severity: Severity::Error,
        message: format!(
            "the parts of {} ({}) add up to {}, not {} {unit}",
            total.id,
            total.label,
            r.num(sum),
            r.num(published)
        ),
        message_vi: format!(
            "các khoản thành phần của {} ({}) cộng lại là {}, không phải {} {}",
            total.id,
            total.label,
            r.num(sum),
            r.num(published),
            unit_vi
        ),
        figures,
        arithmetic: bilingual::en(&arithmetic),
        arithmetic_vi: bilingual::vi(&arithmetic),
        fix: Some(format!(
            "either the total is {} {unit}, or the parts ({}) are {} {} in all (a part may be misread or missing)",
            r.num(sum),
            names.join(", "),
            r.num(difference.abs()),
            if difference > Decimal::ZERO { "more" } else { "less" }
        )),
        fix_vi: Some(format!(
            "hoặc tổng là {} {}, hoặc các khoản ({}) {} {} tổng cộng (có thể một khoản bị đọc sai hoặc thiếu)",
            r.num(sum),
            unit_vi,
            names_vi.join(", "),
            if difference > Decimal::ZERO { "nhiều hơn" } else { "ít hơn" },
            r.num(difference.abs()),
        )),
    });
}

fn share_matches(part: &FundingFigure, stated: Decimal, base: &FundingFigure, r: &mut Recorder) {
    let Some(amount) = in_unit_of(part, part.amount.0, base) else {
        return;
    };
    let unit = unit_name(base);
    let figures = vec![share_figure(part, stated), figure(part), figure(base)];
    if base.amount.0.is_zero() {
        r.find(Finding {
            check: "funding-share",
            severity: Severity::Error,
            message: format!("{} is a share of {}, which is zero", part.id, base.id),
            message_vi: format!(
                "{} là tỷ lệ của {}, mà {} bằng 0",
                named(&part.id, &part.label),
                named(&base.id, &base.label),
                base.id
            ),
            figures,
            arithmetic: Vec::new(),
            arithmetic_vi: Vec::new(),
            fix: Some(format!("give {} its published amount", base.id)),
            fix_vi: Some(format!("ghi số công bố của {}", base.id)),
        });
        return;
    }
    let hundred = Decimal::ONE_HUNDRED;
    let percent = |a: Decimal, of: Decimal| a.checked_div(of)?.checked_mul(hundred);
    let Some(actual) = percent(amount, base.amount.0) else {
        return;
    };
    let slack = rounding_slack(stated);
    let shown = round_half_up(actual, stated.scale() + 2);
    let rounded = round_half_up(actual, stated.scale());
    let mut arithmetic = vec![Bilingual::new(
        format!(
            "{} ÷ {} × 100 = {} % → {} % khi làm tròn {} chữ số thập phân; văn bản ghi {} %",
            r.num(amount),
            r.num(base.amount.0),
            r.num(shown),
            r.published(rounded),
            stated.scale(),
            r.published(stated)
        ),
        format!(
            "{} ÷ {} × 100 = {} % → {} % at {} decimal(s); stated {} %",
            r.num(amount),
            r.num(base.amount.0),
            r.num(shown),
            r.published(rounded),
            stated.scale(),
            r.published(stated)
        ),
    )];
    if actual.checked_sub(stated).is_some_and(|d| d.abs() <= slack) {
        r.pass(
            "funding-share",
            (
                format!(
                    "{} bằng {} % của {} như văn bản nêu",
                    named(&part.id, &part.label),
                    r.published(stated),
                    named(&base.id, &base.label)
                ),
                format!(
                    "{} ({}) is {} % of {} as stated",
                    part.id,
                    part.label,
                    r.published(stated),
                    base.id
                ),
            ),
            figures,
            arithmetic,
        );
        return;
    }
    let against = base
        .corrected_amount
        .filter(|c| !c.0.is_zero())
        .and_then(|c| Some((c.0, percent(amount, c.0)?)));
    if let Some((corrected, against)) = against {
        let against = r.num(round_half_up(against, stated.scale() + 2));
        arithmetic.push(Bilingual::new(
            format!("so với tổng đã sửa {}: {against} %", r.num(corrected)),
            format!(
                "against the corrected total {}: {against} %",
                r.num(corrected)
            ),
        ));
    }
    let bound = |share: Decimal| share.checked_mul(base.amount.0)?.checked_div(hundred);
    let range = || {
        Some((
            bound(stated.checked_sub(slack)?)?,
            bound(stated.checked_add(slack)?)?,
        ))
    };
    let Some((low, high)) = range() else {
        return;
    };
    let implied_base = amount
        .checked_mul(hundred)
        .and_then(|a| a.checked_div(stated))
        .map_or((String::new(), String::new()), |total| {
            let total = r.num(round_half_up(total, 1));
            (
                format!(", hoặc tổng khoảng {total} {}", unit_vi(base)),
                format!(", or the total about {total} {unit}"),
            )
        });
    r.find(Finding {
        check: "funding-share",
        severity: Severity::Error,
        message: format!(
            "{} {unit} ({}) is {} % of {}, not {} %",
            r.num(amount),
            part.label,
            r.published(rounded),
            r.num(base.amount.0),
            r.published(stated)
        ),
        message_vi: format!(
            "{} {} ({}) bằng {} % của {}, không phải {} %",
            r.num(amount),
            unit_vi(base),
            part.label,
            r.published(rounded),
            r.num(base.amount.0),
            r.published(stated)
        ),
        figures,
        arithmetic: bilingual::en(&arithmetic),
        arithmetic_vi: bilingual::vi(&arithmetic),
        fix: Some(format!(
            "the share would be {} %; or, for {} %, the amount would be {}..{} {unit}{}",
            r.published(rounded),
            r.published(stated),
            r.num(round_half_up(low, 2)),
            r.num(round_half_up(high, 2)),
            implied_base.1,
        )),
        fix_vi: Some(format!(
            "tỷ lệ đúng là {} %; hoặc, để được {} %, số tiền phải là {}..{} {}{}",
            r.published(rounded),
            r.published(stated),
            r.num(round_half_up(low, 2)),
            r.num(round_half_up(high, 2)),
            unit_vi(base),
            implied_base.0,
        )),
    });
}
