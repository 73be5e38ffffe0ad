//! Report of `ntm plan`: summary, per-project funding, per-commune status after the plan, and
//! the same tables as CSV files.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{chart_banner, document_places, format_value, synthetic_banner, table_within, wrap};
use crate::chart::{bilingual, Bar, BarChart, BarPanel, Unit};
use crate::number::{format_count, format_trimmed, NumberStyle};
use crate::outcome::TargetOutcome;
use crate::plan::{Objective, OutOfReach, OutOfReachReason, Plan, PlanStatus, TieBreakKind};
use crate::scenario::CapitalSource;
use crate::whatif::marginal::MarginalCost;

/// A plan with its optional marginal analysis: the value `--json` prints.
#[derive(Debug, Serialize)]
pub struct PlanReport<'a> {
    /// The plan.
    #[serde(flatten)]
    pub plan: &'a Plan,
    /// Marginal costs, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marginal: Option<&'a [MarginalCost]>,
}

/// Money of this plan for people: rounded half-up at the precision of the amounts the scenario
/// gives (budgets and project costs), grouped in `style`.
struct Money {
    places: u32,
    style: NumberStyle,
}

impl Money {
    fn of(plan: &Plan, style: NumberStyle) -> Money {
        let places = document_places(
            plan.budget_by_source
                .values()
                .chain(plan.projects.iter().map(|p| &p.cost))
                .copied(),
        );
        Money { places, style }
    }

    fn show(&self, amount: Decimal) -> String {
        format_trimmed(amount, self.places, self.style)
    }
}

/// The plan's status in both languages (trạng thái lời giải).
pub(crate) fn status_label(status: PlanStatus) -> &'static str {
    match status {
        PlanStatus::Optimal => "tối ưu, đã chứng minh (proven optimal)",
        PlanStatus::Feasible => "khả thi, chưa chứng minh tối ưu (feasible, not proven optimal)",
        PlanStatus::Infeasible => {
            "không đạt mọi chỉ tiêu với số vốn này (targets cannot all be met with this money)"
        }
        PlanStatus::ShortUnproven => {
            "chưa tìm được phương án đạt mọi chỉ tiêu trong thời gian cho phép, nhưng chưa chứng minh là không thể (no plan meeting every target found in the time, but not proven impossible)"
        }
        PlanStatus::OptimalOutOfReach => {
            "tối ưu, nhưng có chỉ tiêu không thể đạt dù thêm vốn (optimal, but some targets are out of reach with any money)"
        }
        PlanStatus::FeasibleOutOfReach => {
            "khả thi, chưa chứng minh tối ưu, và có chỉ tiêu không thể đạt dù thêm vốn (feasible, not proven optimal, and some targets are out of reach with any money)"
        }
    }
}

/// What the objective counts, with its value, in both languages.
fn objective_line(plan: &Plan, money: &Money) -> String {
    let (name, value) = match plan.objective_kind {
        Objective::MaxStandard => (
            "nhiều xã đạt chuẩn nhất (most communes at standard)",
            format!(
                "{} xã đạt chuẩn (communes at standard)",
                format_trimmed(decimal(plan.objective), 0, money.style)
            ),
        ),
        Objective::MaxCriteria => (
            "nhiều tiêu chí đạt nhất (most criteria met)",
            format!(
                "{} tiêu chí đạt (criteria met)",
                format_trimmed(decimal(plan.objective), 0, money.style)
            ),
        ),
        Objective::MinCost => (
            "ít vốn ngân sách nhà nước nhất (least state-budget money)",
            format!(
                "{} triệu đồng (million VND)",
                money.show(decimal(plan.objective))
            ),
        ),
    };
    if plan.status.is_short() {
        // The elastic model minimised the shortfall instead; its value is not the objective's.
        format!(
            "Mục tiêu (objective): {name}: không áp dụng, vì kế hoạch giảm thiếu hụt chỉ tiêu trước (not reached: the plan first makes the shortfall as small as it can)"
        )
    } else {
        format!("Mục tiêu (objective): {name} = {value}")
    }
}

fn decimal(value: f64) -> Decimal {
    Decimal::from_f64_retain(value).unwrap_or_default()
}

/// Best bound and gap of a plan that is not proven optimal.
fn proof_line(plan: &Plan, style: NumberStyle) -> Option<String> {
    let proven = plan.gap == Some(0.0);
    if proven
        || matches!(
            plan.status,
            PlanStatus::Optimal | PlanStatus::OptimalOutOfReach
        )
    {
        return None;
    }
    // An infeasible plan's bound is on the least shortfall, not on the objective.
    let what = if plan.status.is_short() {
        "Cận tốt nhất của thiếu hụt (best bound on the shortfall)"
    } else {
        "Cận tốt nhất (best bound)"
    };
    let unknown = || "chưa rõ (unknown)".to_string();
    let bound = plan
        .bound
        .map_or_else(unknown, |b| format_trimmed(decimal(b), 2, style));
    let gap = plan.gap.map_or_else(unknown, |g| {
        format!("{} %", format_trimmed(decimal(g * 100.0), 2, style))
    });
    Some(format!("{what}: {bound}; khoảng cách (gap): {gap}"))
}

/// The tie-break stages (phương án ít vốn nhất trong các phương án tối ưu): among the plans
/// with the objective's value, the least state-budget money, then the least money in total,
/// each proven least or with its bound and gap.
fn tie_break_lines(plan: &Plan, money: &Money, style: NumberStyle) -> Vec<String> {
    plan.tie_break
        .iter()
        .map(|stage| {
            let what = match stage.what {
                TieBreakKind::LeastStateSpend => {
                    "ít vốn ngân sách nhà nước nhất (least state-budget money)"
                }
                TieBreakKind::LeastTotalSpend => "ít tổng vốn nhất (least money in total)",
            };
            let proof = if stage.optimal {
                "đã chứng minh (proven least)".to_string()
            } else {
                match (stage.bound, stage.gap) {
                    (Some(b), Some(g)) => format!(
                        "chưa chứng minh (not proven): cận dưới (bound) {}; khoảng cách (gap) {} %",
                        money.show(decimal(b)),
                        format_trimmed(decimal(g * 100.0), 2, style)
                    ),
                    _ => "chưa xét, hết thời gian (not searched: no time left)".to_string(),
                }
            };
            format!(
                "Trong các phương án đó (among such plans): {what} = {} triệu đồng (million VND), {proof}",
                money.show(stage.value)
            )
        })
        .collect()
}

/// Total shortfall of the targets, in the targets' own units.
fn shortfall_line(plan: &Plan, style: NumberStyle) -> String {
    let short: Vec<&TargetOutcome> = plan
        .targets
        .iter()
        .filter(|t| t.shortfall > Decimal::ZERO)
        .collect();
    if short.is_empty() {
        return "Thiếu hụt (shortfall): không, mọi chỉ tiêu đều đạt (none: every target is met)"
            .to_string();
    }
    let least = if plan.status.is_short() {
        format!(
            "\nThiếu hụt tối thiểu của các chỉ tiêu có thể đạt (least total shortfall of the reachable targets): {}",
            format_value(decimal(plan.objective), style)
        )
    } else {
        String::new()
    };
    let n = short.len();
    let (reach_vi, reach_en) = out_of_reach_share(plan, n);
    format!(
        "Thiếu hụt (shortfall): {n}/{total} chỉ tiêu chưa đạt{reach_vi} ({n} of {total} targets short{reach_en}): {}{least}",
        short
            .iter()
            .map(|t| format!("{} thiếu {}", t.name_vi, format_value(t.shortfall, style)))
            .collect::<Vec<_>>()
            .join("; "),
        total = plan.targets.len(),
    )
}

/// How many advanced-level criterion targets (tiêu chí mức nâng cao) the plan reaches, when the
/// scenario has any.
fn level_targets_line(plan: &Plan) -> Option<String> {
    let level: Vec<&TargetOutcome> = plan.targets.iter().filter(|t| t.level.is_some()).collect();
    if level.is_empty() {
        return None;
    }
    let n = level.len();
    let reached = level.iter().filter(|t| t.shortfall.is_zero()).count();
    Some(format!(
        "Chỉ tiêu mức nâng cao (advanced-level targets): đạt {reached}/{n} ({reached} of {n} reached)"
    ))
}

/// How many of the `short` targets no money reaches (they are in `out_of_reach`), as a clause
/// of the shortfall line in both languages; empty when none is.
fn out_of_reach_share(plan: &Plan, short: usize) -> (String, String) {
    let beyond = plan
        .out_of_reach
        .iter()
        .filter(|o| {
            plan.targets
                .get(o.target)
                .is_some_and(|t| t.shortfall > Decimal::ZERO)
        })
        .count();
    match beyond {
        0 => (String::new(), String::new()),
        _ if beyond == short && short == 1 => (
            ", không thể đạt dù thêm vốn".into(),
            ", out of reach with any money".into(),
        ),
        _ if beyond == short && short == 2 => (
            ", cả 2 đều không thể đạt dù thêm vốn".into(),
            ", both out of reach with any money".into(),
        ),
        _ if beyond == short => (
            format!(", cả {beyond} đều không thể đạt dù thêm vốn"),
            format!(", all {beyond} out of reach with any money"),
        ),
        _ => (
            format!(", trong đó {beyond} không thể đạt dù thêm vốn"),
            format!(", {beyond} of them out of reach with any money"),
        ),
    }
}

fn funding_text(plan: &Plan, index: usize, money: &Money) -> String {
    plan.projects[index]
        .funding
        .iter()
        .map(|(s, a)| format!("{s} {}", money.show(*a)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why a target is out of reach, in both languages.
pub(crate) fn out_of_reach_reason(why: OutOfReachReason) -> &'static str {
    match why {
        OutOfReachReason::NoProjectRaisesIt => {
            "không dự án nào nâng được tiêu chí này (no project raises it)"
        }
        OutOfReachReason::BeyondAllCandidates => {
            "vượt quá mức đạt được khi cấp vốn mọi dự án (beyond funding every candidate project)"
        }
    }
}

/// The targets out of reach, as a table: the target, what funding every candidate reaches, why.
fn out_of_reach_table(list: &[OutOfReach], style: NumberStyle, width: Option<usize>) -> String {
    table_within(
        &[
            "Chỉ tiêu (target)",
            "Năm (year)",
            "Mục tiêu (value)",
            "Tối đa đạt được (most reachable)",
            "Lý do (why)",
        ],
        list.iter()
            .map(|o| {
                vec![
                    format!("{} ({})", o.name_vi, o.name),
                    o.year.to_string(),
                    format_value(o.value, style),
                    format_value(o.reachable, style),
                    out_of_reach_reason(o.why).to_string(),
                ]
            })
            .collect(),
        width,
    )
}

/// Targets against an outcome, as a table (tên chỉ tiêu in both languages).
pub(crate) fn targets_table(targets: &[TargetOutcome], style: NumberStyle) -> String {
    targets_table_within(targets, style, None)
}

/// [`targets_table`] at most `width` columns wide.
pub(crate) fn targets_table_within(
    targets: &[TargetOutcome],
    style: NumberStyle,
    width: Option<usize>,
) -> String {
    table_within(
        &[
            "Chỉ tiêu (target)",
            "Năm (year)",
            "Mục tiêu (value)",
            "Đạt (achieved)",
            "Thiếu (shortfall)",
        ],
        targets
            .iter()
            .map(|t| {
                vec![
                    format!("{} ({})", t.name_vi, t.name),
                    t.year.to_string(),
                    format_value(t.target, style),
                    format_value(t.achieved, style),
                    format_value(t.shortfall, style),
                ]
            })
            .collect(),
        width,
    )
}

/// Renders a plan as text tables (Vietnamese labels with English beside them), numbers in
/// `style`, as wide as its content.
pub fn render_plan(plan: &Plan, marginal: Option<&[MarginalCost]>, style: NumberStyle) -> String {
    render_plan_within(plan, marginal, style, None, &[])
}

/// [`render_plan`] at most `width` columns wide (a terminal's `COLUMNS`): sentences wrap at
/// spaces and long table cells (a target's label, the criteria a commune lacks) wrap within
/// their column. The capital sources table names each source of `sources` in Vietnamese
/// beside its id (the legend of the ids the projects table uses).
pub fn render_plan_within(
    plan: &Plan,
    marginal: Option<&[MarginalCost]>,
    style: NumberStyle,
    width: Option<usize>,
    sources: &[CapitalSource],
) -> String {
    let source_name = |id: &str| match sources.iter().find(|s| s.id == id) {
        Some(s) if !s.name_vi.is_empty() => format!("{} ({id})", s.name_vi),
        _ => id.to_string(),
    };
    let text = |line: &str| wrap(line, width);
    let table = |headers: &[&str], rows: Vec<Vec<String>>| table_within(headers, rows, width);
    let money = Money::of(plan, style);
    let mut out = text(&synthetic_banner(plan.synthetic.as_deref()));
    out.push_str(&text(&format!(
        "Kế hoạch vốn (plan): {}; bộ giải (solver): {}\nTrạng thái (status): {}\n{}\n",
        plan.scenario,
        serde_plain(&plan.solver),
        status_label(plan.status),
        objective_line(plan, &money),
    )));
    if let Some(line) = proof_line(plan, style) {
        out.push_str(&text(&line));
        out.push('\n');
    }
    for line in tie_break_lines(plan, &money, style) {
        out.push_str(&text(&line));
        out.push('\n');
    }
    out.push_str(&text(&shortfall_line(plan, style)));
    if let Some(line) = level_targets_line(plan) {
        out.push('\n');
        out.push_str(&text(&line));
    }
    out.push_str("\n\n");
    out.push_str(&targets_table_within(&plan.targets, style, width));
    out.push_str("\n\nTriệu đồng (million VND):\n");
    out.push_str(&table(
        &[
            "Nguồn vốn (capital source)",
            "Kế hoạch (budget)",
            "Sử dụng (spent)",
            "Còn lại (left)",
        ],
        plan.budget_by_source
            .iter()
            .map(|(id, budget)| {
                let spend = plan.spend_by_source.get(id).copied().unwrap_or_default();
                vec![
                    source_name(id),
                    money.show(*budget),
                    money.show(spend),
                    money.show(*budget - spend),
                ]
            })
            .collect(),
    ));
    out.push('\n');
    if !plan.extra_budget.is_empty() || plan.status.is_short() {
        out.push_str(&text("\nVốn bổ sung tối thiểu để đạt mọi chỉ tiêu có thể đạt (least extra money that makes every reachable target hold), triệu đồng (million VND):\n"));
        out.push_str(&table(
            &["Nguồn vốn (capital source)", "Bổ sung (extra)"],
            plan.extra_budget
                .iter()
                .map(|(id, a)| vec![source_name(id), money.show(*a)])
                .collect(),
        ));
        out.push('\n');
    }
    if !plan.out_of_reach.is_empty() {
        out.push_str(&text("\nChỉ tiêu không thể đạt dù thêm vốn, với các dự án này (targets out of reach with any money and these projects):\n"));
        out.push_str(&out_of_reach_table(&plan.out_of_reach, style, width));
        out.push('\n');
    }
    out.push_str(&text(&format!(
        "\nXã đạt chuẩn (communes at standard): {} trước (before), {} sau (after); mới đạt chuẩn (newly at standard): {}\n\n",
        format_count(plan.before.summary.standard as u64, style),
        format_count(plan.after.summary.standard as u64, style),
        if plan.newly_standard.is_empty() {
            "không có (none)".to_string()
        } else {
            // Names as written, the way planners know their communes.
            let newly: std::collections::HashSet<&str> =
                plan.newly_standard.iter().map(String::as_str).collect();
            plan.after
                .per_commune
                .iter()
                .filter(|c| newly.contains(c.id.as_str()))
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    )));
    out.push_str(&table(
        &[
            "Dự án (project)",
            "Xã (commune)",
            "Năm (year)",
            "Kinh phí (cost)",
            "Nguồn vốn (funding), triệu đồng (million VND)",
        ],
        plan.projects
            .iter()
            .enumerate()
            .map(|(i, p)| {
                vec![
                    p.id.clone(),
                    p.commune.clone(),
                    p.year.to_string(),
                    money.show(p.cost),
                    funding_text(plan, i, &money),
                ]
            })
            .collect(),
    ));
    out.push_str("\n\n");
    out.push_str(&table(
        &[
            "Xã (commune)",
            "Số tiêu chí trước (criteria before)",
            "Số tiêu chí sau (criteria after)",
            "Mức sau (tier after)",
            "Còn thiếu để đạt chuẩn (missing for standard)",
        ],
        plan.before
            .per_commune
            .iter()
            .zip(&plan.after.per_commune)
            .map(|(b, a)| {
                vec![
                    a.name.clone(),
                    b.criteria_met.to_string(),
                    a.criteria_met.to_string(),
                    a.tier
                        .map_or("-".into(), |t| super::tier_label(t).to_string()),
                    missing(a),
                ]
            })
            .collect(),
    ));
    out.push('\n');
    if let Some(marginal) = marginal {
        out.push_str(&text("\nChi phí cận biên (marginal cost): vốn thêm ít nhất ngoài kế hoạch, giữ các chỉ tiêu và mục tiêu đã đạt (least extra money beyond the budgets, targets and objective kept at what the plan reaches)\n"));
        out.push_str(&table(
            &[
                "Thêm một xã (one more …)",
                "Hiện đạt (now)",
                "Vốn thêm, triệu đồng (extra, million VND)",
                "Đã chứng minh (proven)",
            ],
            marginal
                .iter()
                .map(|m| {
                    vec![
                        m.what.clone(),
                        format_count(m.now as u64, style),
                        m.extra_total
                            .map_or("không thể đạt (out of reach)".into(), |a| {
                                money.show(a)
                            }),
                        if m.proven { "có (yes)" } else { "không (no)" }.into(),
                    ]
                })
                .collect(),
        ));
        out.push('\n');
    }
    out
}

/// Criteria a commune still lacks for standard (empty once at standard).
fn missing(status: &crate::evaluate::CommuneStatus) -> String {
    if status.tier.is_some() {
        return String::new();
    }
    status
        .blocking
        .iter()
        .map(|k| format!("c{k}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn serde_plain(value: &impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The plan's tables as CSV files: (file name, contents).
pub fn plan_csv(plan: &Plan) -> Vec<(String, String)> {
    let sources: Vec<&String> = plan.budget_by_source.keys().collect();
    let mut projects = String::from("id,commune,year,cost");
    for s in &sources {
        projects.push_str(&format!(",{s}"));
    }
    projects.push('\n');
    for p in &plan.projects {
        projects.push_str(&format!(
            "{},{},{},{}",
            csv_cell(&p.id),
            csv_cell(&p.commune),
            p.year,
            exact(p.cost)
        ));
        for s in &sources {
            projects.push_str(&format!(
                ",{}",
                p.funding.get(*s).map_or(String::new(), |a| exact(*a))
            ));
        }
        projects.push('\n');
    }
    let mut budget = String::from("source,budget,spend,extra_needed\n");
    for (id, b) in &plan.budget_by_source {
        budget.push_str(&format!(
            "{},{},{},{}\n",
            csv_cell(id),
            exact(*b),
            exact(plan.spend_by_source.get(id).copied().unwrap_or_default()),
            plan.extra_budget
                .get(id)
                .map_or(String::new(), |a| exact(*a))
        ));
    }
    let mut targets = String::from("target,year,value,achieved,shortfall\n");
    for t in &plan.targets {
        targets.push_str(&format!(
            "{},{},{},{},{}\n",
            csv_cell(&t.name),
            t.year,
            exact(t.target),
            exact(t.achieved),
            exact(t.shortfall)
        ));
    }
    let mut communes = String::from("id,name,criteria_before,criteria_after,tier_after,missing\n");
    for (b, a) in plan.before.per_commune.iter().zip(&plan.after.per_commune) {
        communes.push_str(&format!(
            "{},{},{},{},{},{}\n",
            csv_cell(&a.id),
            csv_cell(&a.name),
            b.criteria_met,
            a.criteria_met,
            a.tier.map_or("", |t| t.as_str()),
            missing(a).replace(' ', ";")
        ));
    }
    vec![
        ("projects.csv".into(), projects),
        ("sources.csv".into(), budget),
        ("targets.csv".into(), targets),
        ("communes.csv".into(), communes),
    ]
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// An exact decimal for files other programs read (CSV, like JSON, keeps every đồng).
fn exact(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Spend by source against its budget (chi theo nguồn vốn) as a [`BarChart`]: one bar per
/// source with a budget, its length the money spent, its text `spent / budget`. Sources are named
/// from `sources` (Vietnamese with English beside it; the id when a source is not there).
pub fn spend_chart(plan: &Plan, sources: &[CapitalSource]) -> BarChart {
    let style = NumberStyle::Vietnamese;
    let money = Money::of(plan, style);
    let name = |id: &str| {
        sources
            .iter()
            .find(|s| s.id == id)
            .map_or(id.to_string(), |s| bilingual(&s.name_vi, &s.name_en))
    };
    let spent_total: Decimal = plan.spend_by_source.values().copied().sum();
    let budget_total: Decimal = plan.budget_by_source.values().copied().sum();
    BarChart {
        title: format!(
            "{}: vốn đã chi theo nguồn (spend by capital source)",
            plan.scenario
        ),
        notes: vec![format!(
            "Đã chi (spent) {} / tổng vốn (budget) {} triệu đồng (million VND). Mỗi thanh: đã chi / vốn của nguồn (each bar: spent / the source's budget).",
            money.show(spent_total),
            money.show(budget_total)
        )],
        banner: chart_banner(plan.synthetic.as_deref()),
        description: "Biểu đồ thanh (bar chart): vốn đã chi của từng nguồn so với vốn của nguồn (money spent from each capital source against its budget).".into(),
        panels: vec![BarPanel {
            heading: "Vốn đã chi, triệu đồng (spent, million VND)".into(),
            unit: Unit::MillionVnd,
            bars: plan
                .budget_by_source
                .iter()
                .map(|(id, budget)| {
                    let spent = plan.spend_by_source.get(id).copied().unwrap_or_default();
                    Bar {
                        label: name(id),
                        value: spent.to_f64().unwrap_or(0.0),
                        series: 0,
                        text: Some(format!("{} / {}", money.show(spent), money.show(*budget))),
                    }
                })
                .collect(),
            reference: None,
        }],
        numbers: style,
    }
}
