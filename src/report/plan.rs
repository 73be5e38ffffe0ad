//! Report of `ntm plan`: summary, per-project funding, per-commune status after the plan, and
//! the same tables as CSV files.

use rust_decimal::Decimal;
use serde::Serialize;

use super::{synthetic_banner, table};
use crate::plan::{MarginalCost, Plan, PlanStatus};

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

fn money(d: Decimal) -> String {
    d.normalize().to_string()
}

fn status_line(plan: &Plan) -> String {
    let gap = plan
        .gap
        .map_or("unknown".to_string(), |g| format!("{:.4} %", g * 100.0));
    let bound = plan
        .bound
        .map_or("unknown".to_string(), |b| format!("{b:.4}"));
    match plan.status {
        PlanStatus::Optimal => "proven optimal (tối ưu)".to_string(),
        PlanStatus::Feasible => {
            format!("feasible, not proven optimal (khả thi): best bound {bound}, gap {gap}")
        }
        PlanStatus::Infeasible => format!(
            "targets cannot all be met (không đạt mọi chỉ tiêu): least total shortfall {} (bound {bound}, gap {gap})",
            plan.objective
        ),
    }
}

fn funding_text(plan: &Plan, index: usize) -> String {
    plan.projects[index]
        .funding
        .iter()
        .map(|(s, a)| format!("{s} {}", money(*a)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Renders a plan as text tables (English and Vietnamese labels).
pub fn render_plan(plan: &Plan, marginal: Option<&[MarginalCost]>) -> String {
    let mut out = synthetic_banner(plan.synthetic.as_deref());
    out.push_str(&format!(
        "Plan (kế hoạch) for {}: objective {} = {}, solver {}\nStatus (trạng thái): {}\n\n",
        plan.scenario,
        serde_plain(&plan.objective_kind),
        plan.objective,
        serde_plain(&plan.solver),
        status_line(plan)
    ));
    out.push_str(&table(
        &[
            "Target (chỉ tiêu)",
            "Year",
            "Target",
            "Achieved (đạt)",
            "Shortfall (thiếu)",
        ],
        plan.targets
            .iter()
            .map(|t| {
                vec![
                    t.name.clone(),
                    t.year.to_string(),
                    t.target.normalize().to_string(),
                    t.achieved.normalize().to_string(),
                    t.shortfall.normalize().to_string(),
                ]
            })
            .collect(),
    ));
    out.push_str("\n\n");
    out.push_str(&table(
        &[
            "Capital source (nguồn vốn)",
            "Budget (kế hoạch)",
            "Spend (sử dụng)",
            "Left (còn lại)",
        ],
        plan.budget_by_source
            .iter()
            .map(|(id, budget)| {
                let spend = plan.spend_by_source.get(id).copied().unwrap_or_default();
                vec![
                    id.clone(),
                    money(*budget),
                    money(spend),
                    money(*budget - spend),
                ]
            })
            .collect(),
    ));
    out.push('\n');
    if !plan.extra_budget.is_empty() || plan.status == PlanStatus::Infeasible {
        out.push_str("\nLeast extra money that makes every reachable target hold (vốn bổ sung tối thiểu), million VND:\n");
        out.push_str(&table(
            &["Capital source (nguồn vốn)", "Extra (bổ sung)"],
            plan.extra_budget
                .iter()
                .map(|(id, a)| vec![id.clone(), money(*a)])
                .collect(),
        ));
        out.push('\n');
    }
    if !plan.unreachable.is_empty() {
        out.push_str(&format!(
            "Out of reach with any money and these projects (không thể đạt): {}\n",
            plan.unreachable.join(", ")
        ));
    }
    if !plan.out_of_reach.is_empty() {
        out.push_str(&format!(
            "Out of reach: no project raises a criterion of the advanced set (ngoài tầm dự án, tiêu chí nâng cao): {}\n",
            plan.out_of_reach.join("; ")
        ));
    }
    out.push_str(&format!(
        "\nCommunes at standard (xã đạt chuẩn): {} before, {} after; newly at standard (mới đạt): {}\n\n",
        plan.before.summary.standard,
        plan.after.summary.standard,
        if plan.newly_standard.is_empty() {
            "none".to_string()
        } else {
            // Names as written, the way planners know their communes.
            plan.after
                .per_commune
                .iter()
                .filter(|c| plan.newly_standard.contains(&c.id))
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    ));
    out.push_str(&table(
        &[
            "Project (dự án)",
            "Commune (xã)",
            "Year",
            "Cost (kinh phí)",
            "Funding (nguồn vốn), million VND",
        ],
        plan.projects
            .iter()
            .enumerate()
            .map(|(i, p)| {
                vec![
                    p.id.clone(),
                    p.commune.clone(),
                    p.year.to_string(),
                    money(p.cost),
                    funding_text(plan, i),
                ]
            })
            .collect(),
    ));
    out.push_str("\n\n");
    out.push_str(&table(
        &[
            "Commune (xã)",
            "Criteria before",
            "Criteria after (số tiêu chí)",
            "Tier after (mức)",
            "Missing for standard (còn thiếu)",
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
                    a.tier.map_or("-".into(), |t| t.as_str().to_string()),
                    missing(a),
                ]
            })
            .collect(),
    ));
    out.push('\n');
    if let Some(marginal) = marginal {
        out.push_str("\nMarginal cost (chi phí cận biên): least extra money beyond the budgets, targets and objective kept at what the plan reaches\n");
        out.push_str(&table(
            &[
                "One more … (thêm một xã)",
                "Now",
                "Extra, million VND",
                "Proven",
            ],
            marginal
                .iter()
                .map(|m| {
                    vec![
                        m.what.clone(),
                        m.now.to_string(),
                        m.extra_total.map_or("out of reach".into(), money),
                        if m.proven { "yes" } else { "no" }.into(),
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
            money(p.cost)
        ));
        for s in &sources {
            projects.push_str(&format!(
                ",{}",
                p.funding.get(*s).map_or(String::new(), |a| money(*a))
            ));
        }
        projects.push('\n');
    }
    let mut budget = String::from("source,budget,spend,extra_needed\n");
    for (id, b) in &plan.budget_by_source {
        budget.push_str(&format!(
            "{},{},{},{}\n",
            csv_cell(id),
            money(*b),
            money(plan.spend_by_source.get(id).copied().unwrap_or_default()),
            plan.extra_budget
                .get(id)
                .map_or(String::new(), |a| money(*a))
        ));
    }
    let mut targets = String::from("target,year,value,achieved,shortfall\n");
    for t in &plan.targets {
        targets.push_str(&format!(
            "{},{},{},{},{}\n",
            csv_cell(&t.name),
            t.year,
            t.target.normalize(),
            t.achieved.normalize(),
            t.shortfall.normalize()
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
